// The on-screen keyboard: Latin letters, the Vietnamese vowels and đ, and the five tone marks,
// which go on the last vowel of the word being typed. No system keyboard is ever needed.
import { TONES, applyTone } from './compose.js';
import { t } from './strings.js';

const ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'ăâđêôơư'];
const TONE_KEYS = [
  ['acute', 'á'],
  ['grave', 'à'],
  ['hook', 'ả'],
  ['tilde', 'ã'],
  ['dot', 'ạ'],
];

/** Builds the keyboard into `container`; `onChange(text)` hears every edit of `getText()`. */
export function createKeyboard(container, { getText, onChange, onEnter, language }) {
  container.replaceChildren();
  container.classList.add('kiosk-keyboard');
  const key = (label, action, className = '') => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `key ${className}`.trim();
    button.textContent = label;
    button.dataset.key = label;
    button.tabIndex = -1;
    // Keep the focus (and the caret) where it is: a key is not a field.
    button.addEventListener('pointerdown', (event) => event.preventDefault());
    button.addEventListener('click', action);
    return button;
  };
  for (const row of ROWS) {
    const line = document.createElement('div');
    line.className = 'key-row';
    for (const char of row) line.append(key(char, () => onChange(getText() + char)));
    container.append(line);
  }
  const tones = document.createElement('div');
  tones.className = 'key-row tones';
  for (const [name, label] of TONE_KEYS) {
    const button = key(label, () => onChange(applyTone(getText(), TONES[name])), 'tone');
    button.dataset.tone = name;
    tones.append(button);
  }
  container.append(tones);
  const last = document.createElement('div');
  last.className = 'key-row';
  const space = key('␣', () => onChange(`${getText()} `), 'space');
  space.dataset.key = ' ';
  const backspace = key('⌫', () => onChange([...getText()].slice(0, -1).join('')), 'wide');
  backspace.dataset.key = 'backspace';
  const enter = key(t(language(), 'search'), () => onEnter(), 'wide enter');
  enter.dataset.key = 'enter';
  last.append(space, backspace, enter);
  container.append(last);
  return {
    relabel() {
      enter.textContent = t(language(), 'search');
    },
  };
}
