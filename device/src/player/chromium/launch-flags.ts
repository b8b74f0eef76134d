/** What the kiosk command line depends on; headless is puppeteer's own option. */
export interface LaunchFlagInput {
  userDataDir: string;
  /** The screen's locale, e.g. "vi"; Chromium's UI language and the first Accept-Language. */
  locale: string;
  /** Every language the screen shows, for Accept-Language after the locale. */
  languages: readonly string[];
  windowWidth?: number;
  windowHeight?: number;
  /** Chromium refuses to run as root with its sandbox; only then is it turned off. */
  runningAsRoot: boolean;
  /**
   * The Wayland display of the kiosk compositor (the SD image's cage session), from WAYLAND_DISPLAY.
   * Chromium would otherwise look for an X server that the image does not have.
   */
  waylandDisplay?: string;
}

/**
 * The kiosk command line: full screen, no dialogs, bubbles, first-run pages or background traffic
 * (a gate's uplink is metered and may be absent), and video may start without a click.
 */
export function kioskFlags(input: LaunchFlagInput): string[] {
  const acceptLanguages = [...new Set([input.locale, ...input.languages])].join(',');
  const flags = [
    `--user-data-dir=${input.userDataDir}`,
    '--kiosk',
    '--noerrdialogs',
    '--disable-infobars',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-translate',
    '--disable-features=Translate,MediaRouter',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-session-crashed-bubble',
    '--disable-pinch',
    '--overscroll-history-navigation=0',
    '--password-store=basic',
    `--lang=${input.locale}`,
    `--accept-lang=${acceptLanguages}`,
  ];
  if (input.windowWidth !== undefined && input.windowHeight !== undefined) {
    flags.push(`--window-size=${input.windowWidth},${input.windowHeight}`);
  }
  if (input.runningAsRoot) flags.push('--no-sandbox');
  if (input.waylandDisplay) flags.push('--ozone-platform=wayland', '--enable-features=UseOzonePlatform');
  return flags;
}
