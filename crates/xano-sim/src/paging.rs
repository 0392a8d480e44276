//! Paging: query/body parameter parsing and the two paged envelopes of §3.
//!
//! - meta list envelope `{curPage, nextPage, prevPage, items}` (tables, API groups, endpoints,
//!   request history);
//! - content envelope `{items, itemsReceived, curPage, nextPage, prevPage, offset, perPage,
//!   itemsTotal, pageTotal}` (table content browse and search).
//!
//! Invariants: `nextPage` is null exactly when no item lies after this page (the only "more"
//! signal clients use); `prevPage` is null only on page 1; `pageTotal` is `ceil(total/per_page)`
//! (0 for an empty table). A page past the end is answered with no items, not an error.

use serde_json::{Value, json};

use crate::error::{ApiError, Result};

/// Per-page limits of one endpoint family.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageLimits {
    pub(crate) default_per_page: i64,
    pub(crate) max_per_page: i64,
}

/// Meta lists: default 50, max 10000 (§3).
pub(crate) const META_LIMITS: PageLimits = PageLimits {
    default_per_page: 50,
    max_per_page: 10_000,
};
/// Table content: default 50; the real maximum is unknown (§12.1), 10000 is our choice.
pub(crate) const CONTENT_LIMITS: PageLimits = PageLimits {
    default_per_page: 50,
    max_per_page: 10_000,
};
/// Request history: 1-500 (§3).
pub(crate) const HISTORY_LIMITS: PageLimits = PageLimits {
    default_per_page: 50,
    max_per_page: 500,
};

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Page {
    pub(crate) page: i64,
    pub(crate) per_page: i64,
}

impl Page {
    /// From already-extracted raw values (query strings or body JSON).
    pub(crate) fn from_values(
        page: Option<&Value>,
        per_page: Option<&Value>,
        limits: PageLimits,
    ) -> Result<Self> {
        let page = int_value(page, "page")?.unwrap_or(1);
        let per_page = int_value(per_page, "per_page")?.unwrap_or(limits.default_per_page);
        if page < 1 {
            return Err(ApiError::input("page", "page must be 1 or more."));
        }
        if !(1..=limits.max_per_page).contains(&per_page) {
            return Err(ApiError::input(
                "per_page",
                format!("per_page must be between 1 and {}.", limits.max_per_page),
            ));
        }
        Ok(Self { page, per_page })
    }

    /// Offset of the first item of this page.
    pub(crate) fn offset(&self) -> usize {
        usize::try_from((self.page - 1).saturating_mul(self.per_page)).unwrap_or(usize::MAX)
    }

    /// The index range of this page within `len` items.
    fn range(&self, len: usize) -> std::ops::Range<usize> {
        let start = self.offset().min(len);
        let per_page = usize::try_from(self.per_page).unwrap_or(usize::MAX);
        start..start.saturating_add(per_page).min(len)
    }

    fn next_prev(&self, total: usize) -> (Value, Value) {
        let per_page = usize::try_from(self.per_page).unwrap_or(usize::MAX);
        let after = self.offset().saturating_add(per_page);
        let next = if after < total {
            json!(self.page + 1)
        } else {
            Value::Null
        };
        let prev = if self.page > 1 {
            json!(self.page - 1)
        } else {
            Value::Null
        };
        (next, prev)
    }

    /// The meta list envelope for this page of `all`.
    pub(crate) fn meta_envelope(&self, all: &[Value]) -> Value {
        self.meta_envelope_by(all, Value::clone)
    }

    /// The meta list envelope for this page of `all`, rendering only the items on the page.
    pub(crate) fn meta_envelope_by<T>(&self, all: &[T], render: impl Fn(&T) -> Value) -> Value {
        let (next, prev) = self.next_prev(all.len());
        let items: Vec<Value> = all[self.range(all.len())].iter().map(render).collect();
        json!({
            "curPage": self.page,
            "nextPage": next,
            "prevPage": prev,
            "items": items,
        })
    }

    /// The content envelope for this page of `all`, rendering only the items on the page.
    pub(crate) fn content_envelope_by<T>(&self, all: &[T], render: impl Fn(&T) -> Value) -> Value {
        let (next, prev) = self.next_prev(all.len());
        let items: Vec<Value> = all[self.range(all.len())].iter().map(render).collect();
        let total = all.len() as i64;
        let page_total = (total + self.per_page - 1) / self.per_page;
        json!({
            "items": items,
            "itemsReceived": items.len(),
            "curPage": self.page,
            "nextPage": next,
            "prevPage": prev,
            "offset": self.offset(),
            "perPage": self.per_page,
            "itemsTotal": total,
            "pageTotal": page_total,
        })
    }
}

/// An integer from a query string or JSON value; `None` when absent, null or empty.
pub(crate) fn int_value(value: Option<&Value>, param: &str) -> Result<Option<i64>> {
    let bad = || ApiError::input(param, format!("{param} must be an integer."));
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(bad),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

/// A boolean from a query string or JSON value; `None` when absent or null.
pub(crate) fn bool_value(value: Option<&Value>, param: &str) -> Result<Option<bool>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "true" | "1" | "yes" => Ok(Some(true)),
            "false" | "0" | "no" => Ok(Some(false)),
            _ => Err(ApiError::input(
                param,
                format!("{param} must be a boolean."),
            )),
        },
        Some(Value::Number(n)) if n.as_i64() == Some(0) => Ok(Some(false)),
        Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(Some(true)),
        Some(_) => Err(ApiError::input(
            param,
            format!("{param} must be a boolean."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Map;

    use super::*;

    fn page(p: i64, pp: i64) -> Page {
        Page {
            page: p,
            per_page: pp,
        }
    }

    #[test]
    fn content_envelope_for_four_rows() {
        let rows: Vec<Map<String, Value>> = (1..=4)
            .map(|i| json!({"id": i}).as_object().unwrap().clone())
            .collect();
        let env = page(1, 50).content_envelope_by(&rows, |r| Value::Object(r.clone()));
        assert_eq!(env["itemsReceived"], 4);
        assert_eq!(env["nextPage"], Value::Null);
        assert_eq!(env["prevPage"], Value::Null);
        assert_eq!(env["pageTotal"], 1);
        assert_eq!(env["offset"], 0);
    }

    #[test]
    fn paging_math() {
        let all: Vec<Value> = (0..10).map(Value::from).collect();
        let env = page(2, 4).meta_envelope(&all);
        assert_eq!(env["nextPage"], 3);
        assert_eq!(env["prevPage"], 1);
        let env = page(3, 4).meta_envelope(&all);
        assert_eq!(env["nextPage"], Value::Null);
        assert_eq!(env["items"].as_array().unwrap().len(), 2);
        let env = page(9, 4).meta_envelope(&all);
        assert_eq!(env["items"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn limits() {
        let err = Page::from_values(None, Some(&json!("501")), HISTORY_LIMITS).unwrap_err();
        assert_eq!(err.body()["payload"]["param"], "per_page");
        assert!(Page::from_values(None, Some(&json!(500)), HISTORY_LIMITS).is_ok());
        assert!(Page::from_values(Some(&json!(0)), None, META_LIMITS).is_err());
    }
}
