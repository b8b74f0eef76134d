// Counters: the dashboard's strings. counters.vi.ts has exactly these keys.
export const countersEn = {
  'nav.counters': 'Counters',
  'counters.title': 'Information counters',
  'counters.intro':
    'Counter screens show a pairing code in a corner. Staff open {url} on a phone or tablet and type it; the tablet can then put a page of the information tree on that screen.',
  'counters.gate': 'Gate',
  'counters.allGates': 'All gates',
  'counters.none':
    'No counter screens here. Make a screen a counter with: gatecast devices profile SCREEN counter',
  'counters.screen': 'Screen',
  'counters.code': 'Pairing code',
  'counters.codeHidden': 'hidden',
  'counters.codeUntil': 'until {time}',
  'counters.showing': 'On screen',
  'counters.nothing': 'normal content',
  'counters.showingPage': '{node} in {language}, {until}',
  'counters.untilCleared': 'until cleared',
  'counters.untilTime': 'until {time}',
  'counters.tablets': 'Tablets',
  'counters.noTablets': 'none paired',
  'counters.pairedAt': 'paired {time}',
  'counters.lastUsed': 'last used {time}',
  'counters.revokedBy': 'revoked {time} by {who}',
  'counters.newCode': 'New code',
  'counters.newCodeDone': '{screen} now shows the code {code}.',
  'counters.revoke': 'Revoke',
  'counters.revoked': 'The tablet can no longer use {screen}.',
} as const;
