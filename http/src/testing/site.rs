//! A small linked HTML site under `/site/`, for crawler examples and tests.
//!
//! Six pages link to one another the ways real sites do: relative links
//! (`about.html`, `../index.html`), absolute paths (`/site/blog/`), one
//! cycle (the home page and the about page link to each other, so a
//! crawler without a "seen" set never stops), and one broken link
//! (`missing.html`, answered 404, so a crawler must handle errors). The
//! pages are a fixed table, [`PAGES`]; each is rendered to HTML on request.
//!
//! ```text
//! /site/ ──► about.html ──► team.html ──► missing.html (404)
//!   ▲  │         │  ▲           │
//!   │  │         ▼  │           ▼
//!   │  └─► blog/ ─► blog/post-1.html ─► blog/post-2.html
//!   └───────────────────────────────────────┘  (../index.html)
//! ```
//!
//! Chapter: docs/src/23-routing-and-middleware.md

use crate::{App, Request, Response};

/// One page: where it lives, its title, and the `href`s it links to,
/// exactly as written in the HTML (a crawler resolves them).
pub(crate) struct Page {
    pub(crate) path: &'static str,
    pub(crate) title: &'static str,
    pub(crate) links: &'static [&'static str],
}

/// The whole site. `/site/index.html` and `/site/` are the same page.
pub(crate) const PAGES: &[Page] = &[
    Page { path: "/site/", title: "Home", links: &["about.html", "/site/blog/", "docs/intro.html"] },
    Page { path: "/site/index.html", title: "Home", links: &["about.html", "/site/blog/", "docs/intro.html"] },
    Page { path: "/site/about.html", title: "About", links: &["index.html", "team.html", "blog/post-1.html"] },
    Page { path: "/site/team.html", title: "Team", links: &["/site/about.html", "missing.html"] },
    Page { path: "/site/blog/", title: "Blog", links: &["post-1.html", "post-2.html", "../about.html"] },
    Page { path: "/site/blog/post-1.html", title: "First post", links: &["post-2.html", "/site/blog/"] },
    Page { path: "/site/blog/post-2.html", title: "Second post", links: &["../index.html", "post-1.html"] },
    Page { path: "/site/docs/intro.html", title: "Introduction", links: &["../about.html", "../blog/"] },
];

/// Adds one GET route per page to `app`.
pub(crate) fn routes(mut app: App) -> App {
    for page in PAGES {
        app = app.get(page.path, move |_req: Request| async move { Response::html(render(page)) });
    }
    app
}

/// `page`, rendered as a complete HTML document.
pub(crate) fn render(page: &Page) -> String {
    let mut html = format!(
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body>\n\
         <h1>{title}</h1>\n<p>A page of the aioli test site, at {path}.</p>\n<ul>\n",
        title = page.title,
        path = page.path
    );
    for link in page.links {
        html.push_str(&format!("  <li><a href=\"{link}\">{link}</a></li>\n"));
    }
    html.push_str("</ul>\n</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resolves `href` against the directory of `base` the way a browser
    /// does for these simple cases (absolute path, `name`, `../name`).
    fn resolve(base: &str, href: &str) -> String {
        if href.starts_with('/') {
            return href.to_string();
        }
        let mut dir: Vec<&str> = base.split('/').collect();
        dir.pop();
        for part in href.split('/') {
            match part {
                ".." => {
                    dir.pop();
                }
                other => dir.push(other),
            }
        }
        dir.join("/")
    }

    #[test]
    fn every_link_but_one_resolves_to_a_page() {
        let mut broken = Vec::new();
        for page in PAGES {
            assert!(render(page).contains(&format!("<title>{}</title>", page.title)));
            for link in page.links {
                let target = resolve(page.path, link);
                if !PAGES.iter().any(|p| p.path == target) {
                    broken.push(target);
                }
            }
        }
        assert_eq!(broken, ["/site/missing.html"]);
    }
}
