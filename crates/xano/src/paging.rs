//! The two paged envelopes and a helper that follows `nextPage` to the end.
//!
//! `nextPage` is the only "more" signal the official CLI trusts (reference §3); we follow it, and
//! stop with an error rather than loop if a server ever answers a `nextPage` that does not move
//! forward.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// Meta list envelope: tables, API groups, APIs, request history.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetaPage<T> {
    #[serde(default)]
    pub cur_page: Option<u32>,
    #[serde(default)]
    pub next_page: Option<u32>,
    #[serde(default)]
    pub prev_page: Option<u32>,
    pub items: Vec<T>,
    /// Some lists add a total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_total: Option<u64>,
}

/// Content envelope: table content browse and search.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentPage<T> {
    pub items: Vec<T>,
    #[serde(default)]
    pub items_received: u64,
    #[serde(default)]
    pub cur_page: Option<u32>,
    #[serde(default)]
    pub next_page: Option<u32>,
    #[serde(default)]
    pub prev_page: Option<u32>,
    #[serde(default)]
    pub offset: u64,
    /// The doc examples omit it.
    #[serde(default)]
    pub per_page: Option<u32>,
    #[serde(default)]
    pub items_total: Option<u64>,
    #[serde(default)]
    pub page_total: Option<u64>,
}

/// A page that knows its successor.
pub trait Paged {
    type Item;
    fn next_page(&self) -> Option<u32>;
    fn into_items(self) -> Vec<Self::Item>;
}

impl<T> Paged for MetaPage<T> {
    type Item = T;
    fn next_page(&self) -> Option<u32> {
        self.next_page
    }
    fn into_items(self) -> Vec<T> {
        self.items
    }
}

impl<T> Paged for ContentPage<T> {
    type Item = T;
    fn next_page(&self) -> Option<u32> {
        self.next_page
    }
    fn into_items(self) -> Vec<T> {
        self.items
    }
}

/// Fetches page 1, 2, ... by following `nextPage` until it is null or a page is empty, and
/// returns all items in order. `max_pages` bounds the walk; reaching it is an error that says so.
pub async fn collect_all<P, F, Fut>(mut fetch: F, max_pages: u32) -> Result<Vec<P::Item>>
where
    P: Paged,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<P>>,
{
    let mut items = Vec::new();
    let mut page = 1u32;
    for _ in 0..max_pages {
        let current = fetch(page).await?;
        let next = current.next_page();
        let batch = current.into_items();
        let empty = batch.is_empty();
        items.extend(batch);
        match next {
            Some(n) if !empty && n > page => page = n,
            Some(n) if !empty => {
                return Err(Error::InvalidRequest(format!(
                    "Xano answered page {page} with nextPage {n}, which does not move forward; stopped to avoid a loop"
                )));
            }
            _ => return Ok(items),
        }
    }
    Err(Error::InvalidRequest(format!(
        "stopped after {max_pages} pages; narrow the request (filters, a time window) to read less"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: Vec<u32>, next: Option<u32>) -> MetaPage<u32> {
        MetaPage {
            cur_page: None,
            next_page: next,
            prev_page: None,
            items,
            items_total: None,
        }
    }

    #[tokio::test]
    async fn follows_next_page_and_stops_on_null() {
        let all = collect_all(
            |p| async move {
                Ok(match p {
                    1 => page(vec![1, 2], Some(2)),
                    2 => page(vec![3], Some(3)),
                    _ => page(vec![4], None),
                })
            },
            10,
        )
        .await
        .expect("pages");
        assert_eq!(all, vec![1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn refuses_a_next_page_that_does_not_advance() {
        let err = collect_all(|_| async { Ok(page(vec![1], Some(1))) }, 10)
            .await
            .expect_err("loop");
        assert!(err.to_string().contains("does not move forward"));
        let err = collect_all(|p| async move { Ok(page(vec![p], Some(p + 1))) }, 3)
            .await
            .expect_err("bounded");
        assert!(err.to_string().contains("after 3 pages"));
    }
}
