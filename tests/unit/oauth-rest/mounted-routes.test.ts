import express, { Router } from 'express';
import { hasMountedRoute } from '../../../src/oauth-rest/mounted-routes';

describe('hasMountedRoute', () => {
  const app = express();
  const pages = Router();
  pages.get('/authorize', (_req, res) => res.end());
  pages.post('/authorize/login', (_req, res) => res.end());
  const tokens = Router();
  tokens.post(['/token', '/connect/token'], (_req, res) => res.end());
  app.use(pages);
  app.use(tokens);
  app.use('/graphql', (_req, res) => res.end());
  app.get('/healthz', (_req, res) => res.end());

  it.each([
    ['GET', '/authorize', true],
    ['POST', '/authorize', false],
    ['POST', '/authorize/login', true],
    ['POST', '/connect/token', true],
    ['GET', '/token', false],
    ['GET', '/healthz', true],
    ['GET', '/logout', false],
    ['POST', '/graphql', false],
  ])('%s %s: %s', (method, path, expected) => {
    expect(hasMountedRoute(app.router, method, path)).toBe(expected);
  });
});
