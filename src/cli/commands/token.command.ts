import type { Command } from '../command';

export const tokenCommand: Command = {
  words: 'token',
  summary: 'Print an access token (client_credentials) for the configured client',
  positionals: 0,
  options: {},
  help: [],
  async run({ connect }) {
    const { token } = await connect();
    return { json: token, text: token.access_token };
  },
};
