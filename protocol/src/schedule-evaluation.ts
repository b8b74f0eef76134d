// `@gatecast/protocol/schedule`: what a screen shows at an instant, evaluated the same way on the
// device (to play) and in the fleet (to preview). A separate entry point, so importing the
// schemas does not load the calendar code and its time-zone library.
export * from './evaluation/evaluate-schedule.js';
export { isClockTrusted } from './evaluation/clock-trust.js';
