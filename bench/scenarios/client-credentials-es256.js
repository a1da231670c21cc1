'use strict';
module.exports = require('./_client-credentials')({ name: 'client_credentials ES256', clients: 'ccEs', ceiling: 'ES256' });
