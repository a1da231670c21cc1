import { parsePrompt } from '../../../src/domain/authorize/parse-prompt';
import { errorParams } from '../../../src/domain/authorize/authorization-response';
import { ensureNoControlCharacter } from '../../../src/domain/control-characters';
import { isOAuthErrorDescription, oauthErrorDescription, quoted } from '../../../src/domain/error-description';
import { DomainError, ERROR_CODES, errors } from '../../../src/domain/errors';
import { parseScope } from '../../../src/domain/scopes';
import { normalizeTenantPath } from '../../../src/domain/tenants/tenant-path';
import { oauthErrorResponse } from '../../../src/oauth-rest/oauth-error-response';
import { domainErrorFrom } from '../expect-domain-error';

/** RFC 6749 §5.2: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ). */
const ALLOWED = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const HOSTILE = 'say "hi" \\ back\u00e9\u2028\ttab\u0000';

describe('error_description holds only RFC 6749 §5.2 characters', () => {
  it('sanitizes any text: " becomes \', anything else outside the set ?', () => {
    expect(oauthErrorDescription('plain text stays')).toBe('plain text stays');
    expect(oauthErrorDescription(HOSTILE)).toBe("say 'hi' ? back???tab?");
    expect(isOAuthErrorDescription(oauthErrorDescription(HOSTILE))).toBe(true);
    expect(quoted(HOSTILE, 10)).toMatch(/^'[\x20\x21\x23-\x5b\x5d-\x7e]*'$/);
  });

  it('is enforced at the JSON edge for every error code, body and WWW-Authenticate alike', () => {
    for (const code of ERROR_CODES) {
      const response = oauthErrorResponse(new DomainError(code, HOSTILE, { requiredScope: 'x' }));
      expect([code, ALLOWED.test(response.body.error_description)]).toEqual([code, true]);
      const challenge = response.headers['WWW-Authenticate'];
      if (challenge?.startsWith('Bearer')) {
        expect(challenge).toMatch(/error_description="[\x20\x21\x23-\x5b\x5d-\x7e]*"/);
      }
    }
  });

  it('is enforced in authorization responses (query and form_post) for every error code', () => {
    for (const code of ERROR_CODES) {
      const params = errorParams({ redirectUri: 'https://app.example/cb', state: 's' }, new DomainError(code, HOSTILE), 'https://id');
      expect([code, ALLOWED.test(params.error_description!)]).toEqual([code, true]);
    }
  });

  it('the messages that quote a caller value quote it without " or \\', () => {
    const messages = [
      errors.unsupportedGrantType('"evil\\"').description,
      errors.insufficientScope('a"b').description,
      domainErrorFrom(() => parseScope('openid "x\\y"')).description,
      domainErrorFrom(() => parsePrompt('none "x"')).description,
      domainErrorFrom(() => ensureNoControlCharacter('na"me', 'a\u0001b')).description,
      domainErrorFrom(() => normalizeTenantPath('/A"b', 'tenant_path')).description,
    ];
    for (const message of messages) expect([message, ALLOWED.test(message)]).toEqual([message, true]);
  });
});
