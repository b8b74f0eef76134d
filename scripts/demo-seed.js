// The two Hai Phong border gates of the demo installation and one screen in each.
export const DEMO_GATES = [
  {
    id: 'cat-bi-airport',
    name: 'Cat Bi International Airport',
    zones: [
      { id: 'arrivals-hall', name: 'Arrivals hall' },
      { id: 'departures-hall', name: 'Departures hall' },
      { id: 'check-in', name: 'Check-in' },
    ],
  },
  {
    id: 'hai-phong-port',
    name: 'Port of Hai Phong',
    zones: [
      { id: 'passenger-terminal', name: 'Passenger terminal' },
      { id: 'customs', name: 'Customs' },
    ],
  },
];

export const DEMO_SCREENS = [
  {
    id: 'cat-bi-arrivals-01',
    name: 'Arrivals hall, belt 1',
    gateId: 'cat-bi-airport',
    zoneId: 'arrivals-hall',
  },
  {
    id: 'hai-phong-port-terminal-01',
    name: 'Passenger terminal, entrance',
    gateId: 'hai-phong-port',
    zoneId: 'passenger-terminal',
  },
];
