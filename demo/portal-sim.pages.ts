/**
 * Server-rendered HTML of the simulated portal and ETP storefronts. Markup is kept plain and stable,
 * with `data-testid` on what browser journeys and keyword checks look at. Every interpolated value
 * goes through {@link esc}.
 */
import { type Announcement, type EtpInfo, type Product, etpPrice } from './portal-sim.data.ts';

export interface Notice {
  ru: string;
  kk: string;
}

export function esc(value: string | number): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:sans-serif;margin:1rem 2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function formatKzt(amount: number): string {
  // Grouping by hand: Intl output depends on the host's ICU data, and the page must be stable.
  return `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} ₸`;
}

const PORTAL_HEADER = `<header data-testid="header"><a href="/" data-testid="link-home">Веб-портал государственных закупок</a>
<nav><a href="/ru/search/announce" data-testid="link-search">Поиск объявлений</a> | <a href="/user/login" data-testid="link-login">Вход</a></nav></header>`;

export function homePage(notices: readonly Notice[], latest: readonly Announcement[]): string {
  const noticeItems =
    notices.length === 0
      ? '<p data-testid="notices-empty">Нет активных уведомлений / Белсенді хабарламалар жоқ</p>'
      : `<ul>${notices
          .map((n) => `<li data-testid="notice"><p lang="kk">${esc(n.kk)}</p><p lang="ru">${esc(n.ru)}</p></li>`)
          .join('\n')}</ul>`;
  const rows = latest.map((a) => `<li><a href="/ru/announce/index/${esc(a.id)}">${esc(a.number)}</a> — ${esc(a.name)}</li>`).join('\n');
  return layout(
    'Веб-портал государственных закупок',
    `${PORTAL_HEADER}
<main>
<h1>Веб-портал государственных закупок</h1>
<p lang="kk">Мемлекеттік сатып алу веб-порталы</p>
<section data-testid="notices"><h2>Уведомления о сбоях / Іркілістер туралы хабарламалар</h2>
${noticeItems}
</section>
<section data-testid="announcements"><h2>Объявления / Хабарландырулар</h2>
<ul>
${rows}
</ul>
<p><a href="/ru/search/announce" data-testid="search-link">Все объявления</a></p>
</section>
</main>`,
  );
}

export function searchPage(q: string, results: readonly Announcement[]): string {
  const rows = results
    .map(
      (
        a,
      ) => `<tr data-testid="result-row"><td><a href="/ru/announce/index/${esc(a.id)}" data-testid="announce-link">${esc(a.number)}</a></td>
<td>${esc(a.name)}</td><td>${esc(a.method)}</td><td>${esc(a.status)}</td></tr>`,
    )
    .join('\n');
  const caption = q.trim() === '' ? 'Результаты поиска' : `Результаты поиска по запросу «${esc(q)}»`;
  return layout(
    'Поиск объявлений — Веб-портал государственных закупок',
    `${PORTAL_HEADER}
<main>
<h1>Поиск объявлений</h1>
<form method="get" action="/ru/search/announce" data-testid="search-form">
<input type="text" name="q" value="${esc(q)}" placeholder="Номер или наименование объявления">
<button type="submit" data-testid="search-submit">Найти</button>
</form>
<p data-testid="results-count">Найдено: ${results.length}</p>
<table data-testid="results">
<caption>${caption}</caption>
<thead><tr><th>Номер объявления</th><th>Наименование</th><th>Способ закупки</th><th>Статус</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</main>`,
  );
}

export function lotCardPage(a: Announcement): string {
  const lots = a.lots
    .map(
      (l) => `<tr data-testid="lot-row"><td data-testid="lot-number">${esc(l.number)}</td><td>${esc(l.name)}</td>
<td>${esc(l.quantity)} ${esc(l.unit)}</td><td>${esc(formatKzt(l.amountKzt))}</td></tr>`,
    )
    .join('\n');
  return layout(
    `Объявление ${a.number} — Веб-портал государственных закупок`,
    `${PORTAL_HEADER}
<main>
<article data-testid="lot-card">
<h1>Объявление № <span data-testid="announce-number">${esc(a.number)}</span></h1>
<dl>
<dt>Наименование</dt><dd data-testid="announce-name">${esc(a.name)}</dd>
<dt>Способ закупки</dt><dd data-testid="method">${esc(a.method)}</dd>
<dt>Статус</dt><dd data-testid="status">${esc(a.status)}</dd>
<dt>Заказчик</dt><dd>${esc(a.customer)}</dd>
<dt>Срок начала приема заявок</dt><dd data-testid="acceptance-start"><time datetime="${esc(a.acceptanceStart)}">${esc(a.acceptanceStart)}</time></dd>
<dt>Срок окончания приема заявок</dt><dd data-testid="acceptance-end"><time datetime="${esc(a.acceptanceEnd)}">${esc(a.acceptanceEnd)}</time></dd>
</dl>
<h2>Лоты</h2>
<table data-testid="lots">
<thead><tr><th>Номер лота</th><th>Наименование</th><th>Количество</th><th>Сумма</th></tr></thead>
<tbody>
${lots}
</tbody>
</table>
</article>
</main>`,
  );
}

export function loginPage(error?: string): string {
  const errorBlock = error === undefined ? '' : `<p data-testid="login-error" role="alert">${esc(error)}</p>\n`;
  return layout(
    'Вход в систему — Веб-портал государственных закупок',
    `${PORTAL_HEADER}
<main>
<h1>Вход в систему</h1>
<p lang="kk">Жүйеге кіру</p>
${errorBlock}<form method="post" action="/user/login" data-testid="login-form">
<label>Логин (ИИН/БИН) <input type="text" name="login" autocomplete="username"></label>
<label>Пароль <input type="password" name="password" autocomplete="current-password"></label>
<button type="submit" data-testid="login-submit">Войти</button>
</form>
<p>Вход с помощью ЭЦП доступен в рабочей версии портала.</p>
</main>`,
  );
}

export function notFoundPage(): string {
  return layout('Страница не найдена', '<main><h1>404</h1><p>Страница не найдена / Бет табылмады</p></main>');
}

/** What `wrong-content` serves for an HTML target: a 200 page lacking every target's keyword. */
export function wrongContentPage(): string {
  return layout('Портал', '<main data-testid="stub"><h1>Страница временно недоступна</h1><p lang="kk">Бет уақытша қолжетімсіз</p></main>');
}

function etpHeader(etp: EtpInfo): string {
  return `<header data-testid="header"><a href="/etp/${esc(etp.id)}/" data-testid="link-home">${esc(etp.name)}</a>
<nav><a href="/etp/${esc(etp.id)}/catalogue" data-testid="link-catalogue">Каталог товаров</a></nav></header>`;
}

export function etpHomePage(etp: EtpInfo): string {
  return layout(
    etp.name,
    `${etpHeader(etp)}
<main>
<h1>${esc(etp.name)}</h1>
<p>Электронная торговая площадка, подключенная к электронному магазину веб-портала государственных закупок.</p>
<p lang="kk">Электрондық сауда алаңы</p>
</main>`,
  );
}

export function etpCataloguePage(etp: EtpInfo, q: string, results: readonly Product[]): string {
  const rows = results
    .map(
      (
        p,
      ) => `<tr data-testid="catalogue-row"><td><a href="/etp/${esc(etp.id)}/product/${esc(p.sku)}" data-testid="product-link">${esc(p.sku)}</a></td>
<td>${esc(p.name)}</td><td>${esc(formatKzt(etpPrice(etp, p)))}</td></tr>`,
    )
    .join('\n');
  return layout(
    `Каталог товаров — ${etp.name}`,
    `${etpHeader(etp)}
<main>
<h1>Каталог товаров</h1>
<form method="get" action="/etp/${esc(etp.id)}/catalogue" data-testid="catalogue-form">
<input type="text" name="q" value="${esc(q)}" placeholder="Наименование, артикул или код ЕНСТРУ">
<button type="submit" data-testid="catalogue-submit">Найти</button>
</form>
<p data-testid="catalogue-count">Найдено: ${results.length}</p>
<table data-testid="catalogue-results">
<thead><tr><th>Артикул</th><th>Наименование</th><th>Цена</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</main>`,
  );
}

export function etpProductPage(etp: EtpInfo, p: Product): string {
  const price = etpPrice(etp, p);
  return layout(
    `${p.name} — ${etp.name}`,
    `${etpHeader(etp)}
<main>
<article data-testid="product-card">
<h1 data-testid="product-name">${esc(p.name)}</h1>
<dl>
<dt>Артикул</dt><dd data-testid="sku">${esc(p.sku)}</dd>
<dt>Код ЕНСТРУ</dt><dd>${esc(p.enstru)}</dd>
<dt>Единица измерения</dt><dd>${esc(p.unit)}</dd>
<dt>Цена</dt><dd><span data-testid="price" data-amount="${price}" data-currency="KZT">${esc(formatKzt(price))}</span></dd>
</dl>
</article>
</main>`,
  );
}
