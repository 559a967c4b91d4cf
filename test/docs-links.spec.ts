import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import { marked, type Token } from 'marked';

/**
 * The README sends readers to docs/ for every figure's history and every design's reasons, and the
 * docs send them to each other, often to one section. A moved file or a renamed heading would leave
 * a reader at a dead link: every relative link must name a file that exists and, where it names a
 * section, a heading of that file as GitHub anchors it.
 */
const root = fileURLToPath(new URL('../', import.meta.url));
const documents = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

function tokensOf(path: string): Token[] {
  return marked.lexer(readFileSync(join(root, path), 'utf8'));
}

/** What a heading reads as, without its markup: GitHub slugs the text, not the backticks or link targets. */
function plainText(token: Token): string {
  if ('tokens' in token && token.tokens?.length) return token.tokens.map(plainText).join('');
  return 'text' in token ? token.text : '';
}

function anchorsOf(path: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  marked.walkTokens(tokensOf(path), (token) => {
    if (token.type === 'heading') anchors.add(slugger.slug(plainText(token)));
  });
  return anchors;
}

function relativeLinksOf(path: string): string[] {
  const links: string[] = [];
  marked.walkTokens(tokensOf(path), (token) => {
    if (token.type === 'link' && !/^[a-z][a-z+.-]*:/i.test(token.href)) links.push(token.href);
  });
  return links;
}

/** Why a link leads nowhere, or undefined when it leads where it says. */
function deadEnd(document: string, href: string): string | undefined {
  const [target, anchor] = href.split('#');
  const targetPath = target === '' ? document : relative(root, join(root, dirname(document), decodeURIComponent(target)));
  if (!existsSync(join(root, targetPath))) return `${href}: no file ${targetPath}`;
  if (anchor === undefined || !targetPath.endsWith('.md')) return undefined;
  return anchorsOf(targetPath).has(decodeURIComponent(anchor)) ? undefined : `${href}: no heading #${anchor} in ${targetPath}`;
}

describe('links between the README and docs/', () => {
  it('finds the links and headings it checks', () => {
    expect(relativeLinksOf('README.md')).toContain('docs/benchmark-history.md');
    expect(anchorsOf('README.md')).toContain('where-each-target-stands');
    expect(deadEnd('README.md', 'docs/no-such-file.md')).toMatch(/no file/);
    expect(deadEnd('README.md', 'docs/importing.md#no-such-heading')).toMatch(/no heading/);
  });

  it.each(documents)('%s links only to files and headings that exist', (document) => {
    const dead = relativeLinksOf(document)
      .map((href) => deadEnd(document, href))
      .filter((reason) => reason !== undefined);
    expect(dead).toEqual([]);
  });
});
