// Loaded with `node --import`: prints every package a process resolves (`resolve: NAME`) and every ES module file
// it loads (`load: URL`), so a test can see what start-up loads.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('file:')) {
    process.stderr.write('resolve: ' + specifier + '\\n');
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.startsWith('file:')) process.stderr.write('load: ' + url + '\\n');
  return next(url, context);
}`));
