// Loaded with `node --import`: prints every package a process resolves, so a test can see what start-up loads.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('file:')) {
    process.stderr.write('resolve: ' + specifier + '\\n');
  }
  return next(specifier, context);
}`));
