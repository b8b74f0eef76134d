// The counter tablet: pair with the counter screen by its code, then put pages of the gate's
// published information on that screen. Plain browser JS, no build step; the pairing token
// lives in localStorage and goes to the fleet in request bodies (no cookie, nothing to forge).

const TOKEN_KEY = 'gatecast.counter.token';
const UI_KEY = 'gatecast.counter.ui';
const REFRESH_MS = 15_000;

const TEXTS = {
  vi: {
    title: 'Quầy thông tin',
    other: 'English',
    pairIntro: 'Nhập mã 6 chữ số hiển thị ở góc màn hình của quầy.',
    pair: 'Ghép nối',
    paired: 'Đã ghép nối với màn hình {screen}.',
    screen: 'Màn hình: {screen} · cửa khẩu {gate}',
    nothing: 'Màn hình đang chạy nội dung thường.',
    shown: 'Đang hiển thị: {title} ({language}), {until}.',
    untilTime: 'đến {time}',
    untilCleared: 'cho đến khi gỡ',
    clear: 'Gỡ khỏi màn hình',
    cleared: 'Đã gỡ trang khỏi màn hình.',
    pushed: 'Đã đưa “{title}” lên màn hình.',
    languages: 'Ngôn ngữ trên màn hình',
    minutes: 'Thời gian hiển thị',
    minutesValue: '{n} phút',
    untilClearedButton: 'Đến khi gỡ',
    tree: 'Chọn trang để hiển thị',
    noTree: 'Cửa khẩu này chưa công bố thông tin nào.',
    unpair: 'Hủy ghép nối trên máy này',
    failed: 'Không kết nối được với máy chủ; hãy thử lại.',
  },
  en: {
    title: 'Information counter',
    other: 'Tiếng Việt',
    pairIntro: 'Type the 6-digit code shown in the corner of the counter screen.',
    pair: 'Pair',
    paired: 'Paired with screen {screen}.',
    screen: 'Screen: {screen} · gate {gate}',
    nothing: 'The screen shows its normal content.',
    shown: 'On screen: {title} ({language}), {until}.',
    untilTime: 'until {time}',
    untilCleared: 'until cleared',
    clear: 'Clear the screen',
    cleared: 'The page was taken off the screen.',
    pushed: '“{title}” is on the screen.',
    languages: 'Language on the screen',
    minutes: 'Show for',
    minutesValue: '{n} min',
    untilClearedButton: 'Until cleared',
    tree: 'Pick a page to show',
    noTree: 'This gate has published no information yet.',
    unpair: 'Unpair this device',
    failed: 'Cannot reach the fleet manager; try again.',
  },
};

const $ = (id) => document.getElementById(id);
const state = {
  ui: localStorage.getItem(UI_KEY) === 'en' ? 'en' : 'vi',
  token: localStorage.getItem(TOKEN_KEY),
  session: null,
  language: null,
  minutes: 15,
  busy: false,
};

function t(key, values = {}) {
  return TEXTS[state.ui][key].replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
}

/** A multilingual text in the chosen language, else English, else Vietnamese, else any. */
function pick(text, language) {
  if (!text) return '';
  return text[language] ?? text.en ?? text.vi ?? Object.values(text)[0] ?? '';
}

async function call(path, body) {
  const response = await fetch(`/api/v1/counter/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(answer.error?.message ?? `HTTP ${response.status}`);
    error.code = answer.error?.code;
    throw error;
  }
  return answer;
}

function say(text, ok = false) {
  const message = $('message');
  message.textContent = text;
  message.className = ok ? 'ok' : '';
}

function showPairing() {
  state.session = null;
  $('counter-view').hidden = true;
  $('pair-view').hidden = false;
  $('pair-code').focus();
}

async function pair(event) {
  event.preventDefault();
  const code = $('pair-code').value.replace(/\D/g, '');
  try {
    const answer = await call('pair', { code });
    state.token = answer.token;
    localStorage.setItem(TOKEN_KEY, answer.token);
    $('pair-code').value = '';
    say(t('paired', { screen: answer.screen.name }), true);
    await load();
  } catch (error) {
    say(error.message);
  }
}

async function load() {
  if (!state.token) return showPairing();
  try {
    state.session = await call('session', { token: state.token });
  } catch (error) {
    if (error.code === 'UNAUTHORIZED') {
      localStorage.removeItem(TOKEN_KEY);
      state.token = null;
      say(error.message);
      return showPairing();
    }
    return say(error.code ? error.message : t('failed'));
  }
  const { languages } = state.session;
  if (!languages.some((language) => language.tag === state.language)) state.language = languages[0]?.tag;
  render();
}

function button(label, onClick, attributes = {}) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.addEventListener('click', onClick);
  return element;
}

function render() {
  const session = state.session;
  $('pair-view').hidden = true;
  $('counter-view').hidden = false;
  $('screen-name').textContent = t('screen', { screen: session.screen.name, gate: session.screen.gateId });
  renderShown();
  const languages = $('languages');
  languages.replaceChildren(
    ...session.languages.map((language) =>
      button(
        language.name,
        () => {
          state.language = language.tag;
          render();
        },
        {
          class: 'language-button',
          lang: language.tag,
          'data-language': language.tag,
          'aria-pressed': String(language.tag === state.language),
        },
      ),
    ),
  );
  const minutes = $('minutes');
  minutes.replaceChildren(
    ...[...session.minutes, null].map((value) =>
      button(
        value === null ? t('untilClearedButton') : t('minutesValue', { n: value }),
        () => {
          state.minutes = value;
          render();
        },
        {
          class: 'minutes-button',
          'data-minutes': value === null ? 'until-cleared' : String(value),
          'aria-pressed': String(value === state.minutes),
        },
      ),
    ),
  );
  renderTree();
}

function renderShown() {
  const shown = state.session.shown;
  const box = $('shown');
  box.dataset.nodeId = shown?.nodeId ?? '';
  $('clear-button').hidden = !shown;
  if (!shown) {
    $('shown-text').textContent = t('nothing');
    return;
  }
  const node = state.session.tree?.nodes.find((candidate) => candidate.id === shown.nodeId);
  const language = state.session.languages.find((candidate) => candidate.tag === shown.language);
  const until = shown.until
    ? t('untilTime', {
        time: new Date(shown.until).toLocaleTimeString(state.ui, { hour: '2-digit', minute: '2-digit' }),
      })
    : t('untilCleared');
  $('shown-text').textContent = t('shown', {
    title: node ? pick(node.title, state.ui) : shown.nodeId,
    language: language?.name ?? shown.language,
    until,
  });
}

function renderTree() {
  const tree = state.session.tree;
  const list = $('tree');
  if (!tree || tree.nodes.length === 0) {
    const empty = document.createElement('li');
    empty.textContent = t('noTree');
    list.replaceChildren(empty);
    return;
  }
  const children = new Map();
  for (const node of tree.nodes) {
    const siblings = children.get(node.parentId) ?? [];
    siblings.push(node);
    children.set(node.parentId, siblings);
  }
  const build = (parentId) =>
    (children.get(parentId) ?? []).map((node) => {
      const item = document.createElement('li');
      item.dataset.nodeId = node.id;
      if (node.kind === 'category') {
        item.className = 'category';
        item.textContent = pick(node.title, state.language);
        const sub = document.createElement('ul');
        sub.append(...build(node.id));
        item.append(sub);
        return item;
      }
      item.className = 'page';
      const label = button('', () => push(node), { 'data-node-id': node.id, lang: state.language });
      label.textContent = pick(node.title, state.language);
      if (node.summary) {
        const summary = document.createElement('small');
        summary.textContent = pick(node.summary, state.language);
        label.append(summary);
      }
      item.append(label);
      return item;
    });
  list.replaceChildren(...build(null));
}

async function push(node) {
  if (state.busy) return;
  state.busy = true;
  try {
    const { shown } = await call('push', {
      token: state.token,
      nodeId: node.id,
      language: state.language,
      minutes: state.minutes,
    });
    state.session.shown = shown;
    renderShown();
    say(t('pushed', { title: pick(node.title, state.ui) }), true);
  } catch (error) {
    say(error.message);
    if (error.code === 'UNAUTHORIZED') await load();
  } finally {
    state.busy = false;
  }
}

async function clear() {
  try {
    await call('clear', { token: state.token });
    state.session.shown = null;
    renderShown();
    say(t('cleared'), true);
  } catch (error) {
    say(error.message);
    if (error.code === 'UNAUTHORIZED') await load();
  }
}

async function unpair() {
  // Revoked on the fleet too, so the token is worth nothing even if copied; forgotten here anyway.
  await call('unpair', { token: state.token }).catch(() => undefined);
  localStorage.removeItem(TOKEN_KEY);
  state.token = null;
  say('');
  showPairing();
}

function applyTexts() {
  document.documentElement.lang = state.ui;
  document.title = `gatecast · ${t('title')}`;
  $('title').textContent = t('title');
  $('ui-language').textContent = t('other');
  $('pair-intro').textContent = t('pairIntro');
  $('pair-button').textContent = t('pair');
  $('clear-button').textContent = t('clear');
  $('language-heading').textContent = t('languages');
  $('minutes-heading').textContent = t('minutes');
  $('tree-heading').textContent = t('tree');
  $('unpair-button').textContent = t('unpair');
  if (state.session) render();
}

$('pair-form').addEventListener('submit', pair);
$('clear-button').addEventListener('click', clear);
$('unpair-button').addEventListener('click', unpair);
$('ui-language').addEventListener('click', () => {
  state.ui = state.ui === 'vi' ? 'en' : 'vi';
  localStorage.setItem(UI_KEY, state.ui);
  applyTexts();
});
applyTexts();
load();
// What the screen shows can change from another tablet or run out: look again now and then.
setInterval(() => {
  if (state.session && !state.busy) load();
}, REFRESH_MS);
