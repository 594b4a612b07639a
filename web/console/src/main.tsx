// The staff console's entry: the shell (sign-in, navigation, language, theme); each workspace is
// loaded when first opened (a chunk of its own).
import { render } from 'preact';
import { App } from './app.tsx';

render(<App />, document.getElementById('app')!);
