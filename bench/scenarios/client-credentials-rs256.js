'use strict';
module.exports = require('./_client-credentials')({
  name: 'client_credentials RS256',
  clients: 'ccRs',
  ceiling: 'RS256',
  compareToPeer: true,
});
