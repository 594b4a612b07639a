// The widget's only styles, inside its shadow root. `:host { all: initial }` keeps the page's CSS
// out; colours meet WCAG AA (text ≥ 4.5:1, focus ring and controls ≥ 3:1) in both themes.
// Logical properties (inline/block) keep the layout right in right-to-left pages.
export const CSS = `
:host { all: initial; }
.root { --bg:#fff; --fg:#1f2933; --muted:#4a5661; --line:#7b8794; --accent:#0b57d0; --on-accent:#fff; --bubble:#eef1f4; --error:#b3261e; --focus:#0b57d0;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--fg); }
.root[data-theme=dark] { --bg:#15181c; --fg:#e8eaed; --muted:#b2bcc6; --line:#8b95a0; --accent:#8ab4f8; --on-accent:#0b1a33; --bubble:#262b31; --error:#f6aea9; --focus:#8ab4f8; }
.root[data-size=large] { font-size: 18px; }
*, *::before, *::after { box-sizing: border-box; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
[hidden] { display: none !important; }
button, input, select, textarea { font: inherit; color: inherit; }
button { cursor: pointer; border-radius: 8px; border: 1px solid var(--line); background: var(--bg); padding: .35em .8em; }
button.primary { background: var(--accent); color: var(--on-accent); border-color: var(--accent); }
button.icon { padding: .3em .5em; line-height: 1; min-inline-size: 2.2em; display: inline-grid; place-items: center; }
button.icon svg { display: block; }
button.link { border: 0; background: none; text-decoration: underline; padding: .2em .3em; }
button:disabled { opacity: .6; cursor: default; }
.launcher { position: fixed; inset-block-end: 20px; inset-inline-end: 20px; z-index: 2147483000; inline-size: 58px; block-size: 58px; border-radius: 50%;
  background: var(--accent); color: var(--on-accent); border: 2px solid var(--bg); display: grid; place-items: center; box-shadow: 0 4px 14px rgba(0,0,0,.3); padding: 0; }
.panel { position: fixed; inset-block-end: 90px; inset-inline-end: 20px; z-index: 2147483000; inline-size: min(380px, calc(100vw - 24px)); block-size: min(600px, calc(100vh - 110px));
  display: flex; flex-direction: column; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 14px; box-shadow: 0 8px 30px rgba(0,0,0,.3); overflow: hidden; }
header { display: flex; align-items: center; gap: .4em; padding: .6em .8em; border-block-end: 1px solid var(--line); }
header h2 { font-size: 1.05em; margin: 0; flex: 1; }
.menu { padding: .6em .8em; border-block-end: 1px solid var(--line); display: grid; gap: .5em; max-block-size: 60%; overflow: auto; }
.menu .row { display: flex; flex-wrap: wrap; align-items: center; gap: .4em; }
.menu .row > span, .menu label { min-inline-size: 7em; }
.body { flex: 1; display: flex; flex-direction: column; min-block-size: 0; overflow: auto; }
.pad { padding: .8em; }
.consent h3, .rating h3 { margin: 0 0 .4em; font-size: 1.1em; }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: .6em 0; padding: .4em .7em; }
legend { padding-inline: .3em; font-weight: 600; }
.check { display: flex; gap: .5em; align-items: flex-start; margin: .45em 0; }
.check input { margin-block-start: .3em; inline-size: 1.1em; block-size: 1.1em; accent-color: var(--accent); }
.actions { display: flex; flex-wrap: wrap; gap: .5em; margin-block-start: .6em; }
.choices { display: grid; grid-template-columns: 1fr 1fr; gap: .5em; margin-block-start: .7em; }
.choices button { padding: .55em .6em; font-weight: 600; }
.save { margin-block-start: .5em; }
.save button { inline-size: 100%; }
button.secondary { color: var(--accent); border-color: var(--accent); font-weight: 600; }
.means { margin: .6em 0 0; padding-inline-start: 1.1em; font-size: .86em; color: var(--muted); }
.means li { margin-block-end: .2em; }
.offer { display: flex; flex-wrap: wrap; gap: .4em; margin-block-start: .45em; }
.erased h3 { margin: 0 0 .5em; font-size: 1.1em; }
.erased h3:focus { outline: none; }
.erased code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .88em; overflow-wrap: anywhere; }
.muted { color: var(--muted); font-size: .9em; }
.error { color: var(--error); margin: .4em 0 0; }
.error:empty { display: none; }
.banner { padding: .4em .8em; background: var(--bubble); border-block-end: 1px solid var(--line); font-size: .92em; }
.banner:empty { display: none; }
.log { flex: 1; overflow-y: auto; padding: .8em; display: flex; flex-direction: column; gap: .6em; }
.msg { max-inline-size: 85%; align-self: flex-start; background: var(--bubble); border-radius: 12px; padding: .45em .75em; overflow-wrap: anywhere; }
.msg.visitor { align-self: flex-end; background: var(--accent); color: var(--on-accent); }
.msg.visitor a { color: inherit; }
.msg a { color: var(--accent); }
.msg.visitor.pending { opacity: .85; }
.msg .who { font-size: .8em; font-weight: 600; margin-block-end: .15em; }
.msg .text p { margin: 0 0 .4em; } .msg .text p:last-child { margin: 0; }
.msg .text ul, .msg .text ol { margin: .2em 0; padding-inline-start: 1.3em; }
.msg code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em; background: rgba(127,127,127,.18); padding: 0 .25em; border-radius: 4px; }
.msg .state { font-size: .8em; margin-block-start: .2em; }
.msg.streaming .text::after { content: "▍"; }
.sources { font-size: .85em; margin-block-start: .35em; color: var(--muted); }
.sources ul { margin: .1em 0; padding-inline-start: 1.2em; }
.feedback { display: flex; gap: .4em; margin-block-start: .35em; }
.feedback button { font-size: .85em; padding: .15em .6em; }
.feedback button[aria-pressed=true] { background: var(--accent); color: var(--on-accent); }
.notice { align-self: center; text-align: center; font-size: .88em; color: var(--muted); max-inline-size: 90%; }
.typing { padding: 0 .8em .3em; color: var(--muted); font-size: .88em; min-block-size: 1.4em; }
.thumb { display: block; max-inline-size: 180px; max-block-size: 140px; border-radius: 6px; margin-block-start: .3em; }
.chips { display: flex; flex-wrap: wrap; gap: .3em; padding: 0 .8em; }
.chip { font-size: .85em; border: 1px solid var(--line); border-radius: 999px; padding: .1em .2em .1em .6em; display: inline-flex; align-items: center; gap: .2em; }
.composer { border-block-start: 1px solid var(--line); padding: .5em .8em .6em; display: grid; gap: .35em; }
.composer textarea { inline-size: 100%; min-block-size: 3em; max-block-size: 9em; resize: vertical; border: 1px solid var(--line); border-radius: 8px; padding: .4em .6em; background: var(--bg); }
.tools { display: flex; align-items: center; gap: .3em; }
.tools .grow { flex: 1; }
.counter { font-size: .8em; color: var(--muted); }
.counter.over { color: var(--error); font-weight: 600; }
.person { margin: 0 .8em .5em; }
.emoji { position: absolute; inset-block-end: 7.5em; inset-inline-start: .8em; background: var(--bg); border: 1px solid var(--line); border-radius: 10px; padding: .4em;
  display: grid; grid-template-columns: repeat(8, 2.2em); gap: .15em; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.emoji button { border: 0; padding: .15em; font-size: 1.25em; }
.stars { display: flex; gap: .2em; border: 0; padding: 0; margin: .5em 0; }
.stars label { font-size: 1.8em; cursor: pointer; color: var(--muted); }
.stars input { position: absolute; opacity: 0; inline-size: 1px; block-size: 1px; }
.stars label.on { color: #b26a00; }
.root[data-theme=dark] .stars label.on { color: #ffc862; }
.stars input:focus-visible + span { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 4px; }
.panel-inner { position: relative; display: flex; flex-direction: column; flex: 1; min-block-size: 0; }
`;
