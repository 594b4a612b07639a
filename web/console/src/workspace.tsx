// A workspace of screens under one path (/compliance, /admin): the sub-navigation the user's
// capabilities allow, the screen for the address (a screen owns its sub-paths), its heading focused
// when the screen changes.
import { useEffect, useRef } from 'preact/hooks';
import { t, type Key } from './i18n.ts';
import { Link, path } from './router.tsx';

export interface Screen {
  /** '' for the workspace's first page, else '/name' */
  path: string;
  label: Key;
  allowed: () => boolean;
  View: () => preact.JSX.Element;
}

export function ScreensWorkspace(props: { base: string; navLabel: Key; screens: Screen[] }) {
  const screens = props.screens.filter((s) => s.allowed());
  const sub = path.value.slice(props.base.length);
  const screen =
    screens.find((s) => s.path === sub) ??
    screens.find((s) => s.path !== '' && sub.startsWith(s.path + '/')) ??
    screens[0]!;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [screen.path]);
  return (
    <div class="workspace">
      <nav class="subnav" aria-label={t(props.navLabel)}>
        <ul>
          {screens.map((s) => (
            <li key={s.path}>
              <Link to={`${props.base}${s.path}`} current={s === screen}>
                {t(s.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section class="screen" aria-labelledby="screen-title">
        <h1 id="screen-title" tabIndex={-1} ref={heading}>
          {t(screen.label)}
        </h1>
        <screen.View />
      </section>
    </div>
  );
}
