//! The router: from a request's path to a route and its parameters.
//!
//! A pattern is a path whose segments are literals (`users`), named
//! parameters (`{id}`, one non-empty segment) or, last, a tail (`{*path}`,
//! the rest of the path, slashes included). Routes are tried in the order
//! they were added and the first whose pattern and method both match wins,
//! as in aiohttp's `UrlDispatcher`; so `/users/me` must be added before
//! `/users/{id}` to be reachable. If some pattern matched but no method
//! did, the answer is 405 with an `Allow` header listing the methods that
//! would have worked; if none matched, 404. A HEAD request falls back to
//! the GET route, and the server sends the GET's headers without its body.
//!
//! Matching walks the pattern and the path segment by segment, with no
//! regular expressions and no allocation unless there are parameters.
//! Production routers (axum's `matchit`, actix's) compile the patterns
//! into a radix tree, so the cost does not grow with the number of routes;
//! a list reads more simply and is fast enough for tens of routes.
//!
//! Chapter: docs/src/23-routing-and-middleware.md

use std::rc::Rc;

use super::Handler;
use crate::percent;
use crate::Method;

/// One piece of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Must equal the path's segment.
    Literal(String),
    /// `{name}`: any non-empty segment.
    Param(String),
    /// `{*name}`: everything left.
    Tail(String),
}

/// A parsed route pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    source: String,
    segments: Vec<Segment>,
}

impl Pattern {
    /// Parses `pattern`, or explains what is wrong with it.
    pub(crate) fn parse(pattern: &str) -> Result<Pattern, String> {
        let Some(rest) = pattern.strip_prefix('/') else {
            return Err(format!("route pattern {pattern:?} must start with `/`"));
        };
        let mut segments = Vec::new();
        let pieces: Vec<&str> = rest.split('/').collect();
        for (index, piece) in pieces.iter().enumerate() {
            let segment = if let Some(inner) = piece.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                if let Some(name) = inner.strip_prefix('*') {
                    if index != pieces.len() - 1 {
                        return Err(format!(
                            "in route pattern {pattern:?}, the tail `{{*{name}}}` must be the last segment"
                        ));
                    }
                    Segment::Tail(check_name(pattern, name)?)
                } else {
                    Segment::Param(check_name(pattern, inner)?)
                }
            } else if piece.contains(['{', '}']) {
                return Err(format!(
                    "in route pattern {pattern:?}, a parameter must be a whole segment: `/{{name}}/`, not {piece:?}"
                ));
            } else {
                Segment::Literal((*piece).to_owned())
            };
            segments.push(segment);
        }
        let mut names: Vec<&str> = segments
            .iter()
            .filter_map(|s| match s {
                Segment::Param(name) | Segment::Tail(name) => Some(name.as_str()),
                Segment::Literal(_) => None,
            })
            .collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(format!("route pattern {pattern:?} names the parameter {:?} twice", pair[0]));
        }
        Ok(Pattern { source: pattern.to_owned(), segments })
    }

    /// The pattern as written.
    pub(crate) fn as_str(&self) -> &str {
        &self.source
    }

    /// The parameters if `path` matches, decoded.
    pub(crate) fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
        let mut rest = path.strip_prefix('/')?;
        let mut params = Vec::new();
        for (index, segment) in self.segments.iter().enumerate() {
            let last = index == self.segments.len() - 1;
            if let Segment::Tail(name) = segment {
                params.push((name.clone(), percent::decode(rest).into_owned()));
                return Some(params);
            }
            let (piece, after) = match rest.split_once('/') {
                Some((piece, after)) if !last => (piece, after),
                Some(_) => return None, // the path has more segments
                None if last => (rest, ""),
                None => return None, // the path has fewer segments
            };
            match segment {
                Segment::Literal(literal) if literal == piece => {}
                Segment::Param(name) if !piece.is_empty() => {
                    params.push((name.clone(), percent::decode(piece).into_owned()));
                }
                _ => return None,
            }
            rest = after;
        }
        Some(params)
    }
}

fn check_name(pattern: &str, name: &str) -> Result<String, String> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("in route pattern {pattern:?}, parameter names must be letters, digits or `_`: {name:?}"));
    }
    Ok(name.to_owned())
}

/// A pattern with the handlers of each method added for it.
pub(crate) struct Route {
    pub(crate) pattern: Pattern,
    pub(crate) handlers: Vec<(Method, Rc<dyn Handler>)>,
}

/// What the router decided for one request.
pub(crate) enum Resolved {
    /// Run this handler with these parameters.
    Found(Rc<dyn Handler>, Vec<(String, String)>),
    /// The path matched, the method did not: 405 with this `Allow` value.
    MethodNotAllowed(String),
    /// Nothing matched: 404.
    NotFound,
}

/// Finds the route for `method` and `path`.
// ANCHOR: resolve
pub(crate) fn resolve(routes: &[Route], method: &Method, path: &str) -> Resolved {
    let mut allowed: Vec<&str> = Vec::new();
    for route in routes {
        let Some(params) = route.pattern.matches(path) else { continue };
        let found = route.handlers.iter().find(|(m, _)| m == method).or_else(|| {
            // HEAD is GET without the body: the server drops the body.
            (*method == Method::Head).then(|| route.handlers.iter().find(|(m, _)| *m == Method::Get)).flatten()
        });
        if let Some((_, handler)) = found {
            return Resolved::Found(handler.clone(), params);
        }
        for (m, _) in &route.handlers {
            if !allowed.contains(&m.as_str()) {
                allowed.push(m.as_str());
            }
            if *m == Method::Get && !allowed.contains(&"HEAD") {
                allowed.push("HEAD");
            }
        }
    }
    if allowed.is_empty() {
        Resolved::NotFound
    } else {
        Resolved::MethodNotAllowed(allowed.join(", "))
    }
}
// ANCHOR_END: resolve

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pattern: &str, path: &str) -> Option<Vec<(String, String)>> {
        Pattern::parse(pattern).ok()?.matches(path)
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn literals_params_and_tails() {
        assert_eq!(params("/", "/"), Some(vec![]));
        assert_eq!(params("/", "/a"), None);
        assert_eq!(params("/a/b", "/a/b"), Some(vec![]));
        assert_eq!(params("/a/b", "/a/b/"), None);
        assert_eq!(params("/a/b", "/a"), None);
        assert_eq!(params("/greet/{name}", "/greet/Ada%20L"), Some(pairs(&[("name", "Ada L")])));
        assert_eq!(params("/greet/{name}", "/greet/"), None);
        assert_eq!(params("/u/{id}/posts/{post}", "/u/7/posts/9"), Some(pairs(&[("id", "7"), ("post", "9")])));
        assert_eq!(params("/static/{*path}", "/static/css/a.css"), Some(pairs(&[("path", "css/a.css")])));
        assert_eq!(params("/static/{*path}", "/static/"), Some(pairs(&[("path", "")])));
        assert_eq!(params("/static/{*path}", "/static"), None);
    }

    #[test]
    fn bad_patterns_are_explained() {
        for bad in ["nope", "/a/{*t}/b", "/x{id}", "/{}", "/{a}/{a}", "/{a-b}"] {
            assert!(Pattern::parse(bad).is_err(), "{bad}");
        }
    }
}
