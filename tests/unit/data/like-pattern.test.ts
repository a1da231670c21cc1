import { containsPattern, escapeLike } from '../../../src/data/like-pattern';
import { subtreePattern } from '../../../src/data/subtree-pattern';

describe('LIKE patterns', () => {
  it('escapes the LIKE metacharacters and nothing else', () => {
    expect(escapeLike('a%b_c\\d.e*')).toBe('a\\%b\\_c\\\\d.e*');
  });

  it('wraps a search in % for a substring match', () => {
    expect(containsPattern('100%')).toBe('%100\\%%');
  });

  it('matches the strict descendants of a subtree with its path literal', () => {
    expect(subtreePattern('/a_b')).toBe('/a\\_b/%');
  });
});
