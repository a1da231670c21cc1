import { errorsOf, GraphQLFailure, showErrors } from '../../../console/src/graphql-errors';
import { ancestorsWithin, filterRows, splitList, tenantTree } from '../../../console/src/filter-rows';

describe('console error-to-field mapping', () => {
  const fields = ['name', 'redirectUris', 'tenantPath'];

  it('puts an error next to the input its extensions.field names, with its code', () => {
    const shown = showErrors([{ message: 'must use https', extensions: { code: 'BAD_USER_INPUT', field: 'redirectUris' } }], fields);
    expect(shown).toEqual({ byField: { redirectUris: '[BAD_USER_INPUT] must use https' }, general: [] });
  });

  it('matches a path-like field by its last name and keeps unknown fields and field-less errors general', () => {
    const shown = showErrors(
      [
        { message: 'bad uri', extensions: { code: 'BAD_USER_INPUT', field: 'input.redirectUris[1]' } },
        { message: 'nope', extensions: { code: 'BAD_USER_INPUT', field: 'password' } },
        { message: 'outside your tenant', extensions: { code: 'FORBIDDEN' } },
      ],
      fields,
    );
    expect(shown.byField).toEqual({ redirectUris: '[BAD_USER_INPUT] bad uri' });
    expect(shown.general).toEqual(['[BAD_USER_INPUT] nope', '[FORBIDDEN] outside your tenant']);
  });

  it('puts an error about an entry of a list input next to that input, not next to an input named like the entry field', () => {
    const shown = showErrors(
      [{ message: 'appears twice', extensions: { code: 'BAD_USER_INPUT', field: 'permissions[1].name' } }],
      ['name', 'permissions'],
    );
    expect(shown.byField).toEqual({ permissions: '[BAD_USER_INPUT] appears twice' });
  });

  it('puts a variable GraphQL refused next to the input of that name', () => {
    const shown = showErrors(
      [{ message: 'Variable "$before" got invalid value ""; Expected type "DateTimeISO".', extensions: { code: 'BAD_USER_INPUT' } }],
      ['tenantPath', 'before'],
    );
    expect(shown).toEqual({
      byField: { before: '[BAD_USER_INPUT] Variable "$before" got invalid value ""; Expected type "DateTimeISO".' },
      general: [],
    });
  });

  it("maps the API's field names onto the form's through aliases", () => {
    const shown = showErrors(
      [{ message: 'path: must start with "/"', extensions: { code: 'BAD_USER_INPUT', field: 'path' } }],
      ['tenantPath', 'before'],
      { aliases: { path: 'tenantPath' } },
    );
    expect(shown.byField).toEqual({ tenantPath: '[BAD_USER_INPUT] path: must start with "/"' });
  });

  it("puts errors that name no field on the form's subject input, and others that name an unknown field in general", () => {
    const shown = showErrors(
      [
        { message: "tenant /beta is outside the caller's tenant /acme", extensions: { code: 'FORBIDDEN' } },
        { message: 'who knows', extensions: { code: 'BAD_USER_INPUT', field: 'elsewhere' } },
      ],
      ['userId'],
      { subject: 'userId' },
    );
    expect(shown).toEqual({
      byField: { userId: "[FORBIDDEN] tenant /beta is outside the caller's tenant /acme" },
      general: ['[BAD_USER_INPUT] who knows'],
    });
    expect(
      showErrors([{ message: 'user x not found', extensions: { code: 'NOT_FOUND' } }], ['userId'], { subject: 'clientId' }).general,
    ).toEqual(['[NOT_FOUND] user x not found']);
  });

  it('turns any thrown value into errors to show', () => {
    const failure = new GraphQLFailure([{ message: 'x', extensions: { code: 'CONFLICT' } }]);
    expect(errorsOf(failure)).toBe(failure.errors);
    expect(errorsOf(new TypeError('Failed to fetch'))).toEqual([{ message: 'Failed to fetch', extensions: { code: 'NETWORK_ERROR' } }]);
  });
});

describe('console list helpers', () => {
  it('filters the loaded rows by every word, case-insensitively', () => {
    const rows = [
      { id: 'web-app', name: 'Web App' },
      { id: 'cli', name: 'Command line' },
      { id: 'svc', name: null },
    ];
    expect(filterRows(rows, 'web', (r) => [r.id, r.name]).map((r) => r.id)).toEqual(['web-app']);
    expect(filterRows(rows, 'LINE cli', (r) => [r.id, r.name]).map((r) => r.id)).toEqual(['cli']);
    expect(filterRows(rows, '  ', (r) => [r.id, r.name])).toHaveLength(3);
  });

  it('splits one value per line or comma', () => {
    expect(splitList(' https://a.example/cb \n\nhttps://b.example/cb, x ')).toEqual(['https://a.example/cb', 'https://b.example/cb', 'x']);
  });

  it('orders the tenant tree root first, children under parents, with depths', () => {
    const tree = tenantTree([{ path: '/beta' }, { path: '/acme/eu' }, { path: '/' }, { path: '/acme' }]);
    expect(tree.map((n) => [n.tenant.path, n.depth])).toEqual([
      ['/', 0],
      ['/acme', 1],
      ['/acme/eu', 2],
      ['/beta', 1],
    ]);
  });
});

describe('console ancestorsWithin', () => {
  it("lists a tenant's ancestors nearest first, only those within the admin's tenant", () => {
    expect(ancestorsWithin('/a/b/c', '/')).toEqual(['/a/b', '/a', '/']);
    expect(ancestorsWithin('/a/b/c', '/a')).toEqual(['/a/b', '/a']);
    expect(ancestorsWithin('/a', '/a')).toEqual([]);
    expect(ancestorsWithin('/', '/')).toEqual([]);
  });
});
