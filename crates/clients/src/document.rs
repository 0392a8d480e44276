//! Reading and editing one entry of a JSON or JSONC config text, keeping everything else.
//!
//! Edits go through a concrete syntax tree (`jsonc-parser`'s CST): the text outside our entry —
//! key order, indentation, newline style, trailing commas, comments — is written back as it was
//! read. New files are pretty-printed with two spaces. A UTF-8 byte order mark is kept.
//!
//! Invariants:
//! - Only `<root_key>.<entry_key>` is ever added, replaced or removed. A missing `<root_key>`
//!   object is appended to the top level; an emptied one is left as `{}`.
//! - A text that does not parse, or whose top level (or `<root_key>`) is not an object, is never
//!   edited: the caller gets a [`DocError`] and writes nothing.
//!
//! What it does not do: touch files, or decide what the entry says (see `entry`).

use jsonc_parser::cst::{CstInputValue, CstObject, CstRootNode};
use jsonc_parser::{CollectOptions, ParseOptions};
use serde_json::Value;
use std::path::Path;

use crate::client::Client;
use crate::error::Error;

const BOM: char = '\u{feff}';

/// How strict the parser is: the client's own reading of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// Plain JSON: no comments, no trailing commas.
    Json,
    /// JSON with comments and trailing commas (VS Code, Zed).
    Jsonc,
}

impl Dialect {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Dialect::Json => "JSON",
            Dialect::Jsonc => "JSON with comments",
        }
    }

    fn options(self) -> ParseOptions {
        let jsonc = self == Dialect::Jsonc;
        ParseOptions {
            allow_comments: jsonc,
            allow_trailing_commas: jsonc,
            allow_loose_object_property_names: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        }
    }
}

/// Why a text could not be read or edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DocError {
    Parse {
        line: usize,
        column: usize,
        message: String,
    },
    Shape(String),
}

impl DocError {
    /// The crate error for this failure in the file at `path`.
    pub(crate) fn into_error(self, path: &Path, client: Client, dialect: Dialect) -> Error {
        match self {
            DocError::Parse {
                line,
                column,
                message,
            } => Error::ConfigUnparseable {
                path: path.to_path_buf(),
                line,
                column,
                message,
                dialect: dialect.label(),
            },
            DocError::Shape(message) => Error::UnexpectedShape {
                path: path.to_path_buf(),
                client,
                message,
            },
        }
    }
}

/// Where our entry lives inside the document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryPath {
    pub(crate) root_key: &'static str,
    pub(crate) entry_key: &'static str,
}

/// A parsed config text.
struct Document {
    root: CstRootNode,
    bom: bool,
    blank: bool,
}

impl Document {
    fn parse(text: &str, dialect: Dialect) -> Result<Self, DocError> {
        let (bom, body) = match text.strip_prefix(BOM) {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let to_doc_error = |e: jsonc_parser::errors::ParseError| DocError::Parse {
            line: e.line_display(),
            column: e.column_display(),
            message: e.kind().to_string(),
        };
        let options = dialect.options();
        // The CST parser keeps comments as tokens and then does not enforce `allow_comments`
        // (jsonc-parser 0.34), so the plain parser checks the dialect first.
        jsonc_parser::parse_to_ast(body, &CollectOptions::default(), &options)
            .map_err(to_doc_error)?;
        let root = CstRootNode::parse(body, &options).map_err(to_doc_error)?;
        Ok(Document {
            root,
            bom,
            blank: body.trim().is_empty(),
        })
    }

    /// The top-level object, or `None` for a text with no value (empty, or only comments).
    fn top(&self) -> Result<Option<CstObject>, DocError> {
        match self.root.value() {
            None => Ok(None),
            Some(value) => value.as_object().map(Some).ok_or_else(|| {
                DocError::Shape("the top level is not a JSON object `{ ... }`".into())
            }),
        }
    }

    fn servers(&self, top: &CstObject, path: EntryPath) -> Result<Option<CstObject>, DocError> {
        match top.get(path.root_key) {
            None => Ok(None),
            Some(prop) => prop.object_value().map(Some).ok_or_else(|| {
                DocError::Shape(format!("`{}` is not an object `{{ ... }}`", path.root_key))
            }),
        }
    }

    fn render(&self) -> String {
        let body = self.root.to_string();
        if self.bom {
            format!("{BOM}{body}")
        } else {
            body
        }
    }
}

/// Our entry's current value, if present.
pub(crate) fn read_entry(
    text: &str,
    dialect: Dialect,
    path: EntryPath,
) -> Result<Option<Value>, DocError> {
    let doc = Document::parse(text, dialect)?;
    let Some(top) = doc.top()? else {
        return Ok(None);
    };
    let Some(servers) = doc.servers(&top, path)? else {
        return Ok(None);
    };
    Ok(servers
        .get(path.entry_key)
        .and_then(|prop| prop.value())
        .and_then(|value| value.to_serde_value()))
}

/// `text` with our entry set to `entry` (added at the end of `<root_key>`, or replaced in place).
pub(crate) fn upsert_entry(
    text: &str,
    dialect: Dialect,
    path: EntryPath,
    entry: &Value,
) -> Result<String, DocError> {
    let doc = Document::parse(text, dialect)?;
    let top = match doc.top()? {
        Some(top) => top,
        None if doc.blank => return Ok(fresh_text(path, entry)),
        None => doc.root.object_value_or_set(),
    };
    match doc.servers(&top, path)? {
        None => {
            top.append(
                path.root_key,
                CstInputValue::Object(vec![(path.entry_key.to_string(), input_value(entry))]),
            );
        }
        Some(servers) => match servers.get(path.entry_key) {
            Some(prop) => prop.set_value(input_value(entry)),
            None => {
                servers.append(path.entry_key, input_value(entry));
            }
        },
    }
    Ok(doc.render())
}

/// `text` without our entry. Returns `None` when there was no entry (nothing to change).
pub(crate) fn remove_entry(
    text: &str,
    dialect: Dialect,
    path: EntryPath,
) -> Result<Option<String>, DocError> {
    let doc = Document::parse(text, dialect)?;
    let Some(top) = doc.top()? else {
        return Ok(None);
    };
    let Some(servers) = doc.servers(&top, path)? else {
        return Ok(None);
    };
    let Some(prop) = servers.get(path.entry_key) else {
        return Ok(None);
    };
    prop.remove();
    Ok(Some(doc.render()))
}

/// A new file holding only our entry, pretty-printed with two spaces and a final newline.
pub(crate) fn fresh_text(path: EntryPath, entry: &Value) -> String {
    let mut servers = serde_json::Map::new();
    servers.insert(path.entry_key.to_string(), entry.clone());
    let mut top = serde_json::Map::new();
    top.insert(path.root_key.to_string(), Value::Object(servers));
    let mut text = serde_json::to_string_pretty(&Value::Object(top))
        .unwrap_or_else(|_| unreachable!("a JSON value always serialises"));
    text.push('\n');
    text
}

fn input_value(value: &Value) -> CstInputValue {
    match value {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(items) => CstInputValue::Array(items.iter().map(input_value).collect()),
        Value::Object(map) => CstInputValue::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), input_value(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MCP: EntryPath = EntryPath {
        root_key: "mcpServers",
        entry_key: "xano-mcp",
    };

    #[test]
    fn strings_with_quotes_and_unicode_are_escaped() {
        let entry = json!({"command": "C:\\Program Files\\x \"q\" é", "args": []});
        let text = upsert_entry("{}", Dialect::Json, MCP, &entry).unwrap();
        assert_eq!(read_entry(&text, Dialect::Json, MCP).unwrap(), Some(entry));
    }

    #[test]
    fn bom_is_kept() {
        let text = upsert_entry("\u{feff}{}\n", Dialect::Json, MCP, &json!({"url": "u"})).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let removed = remove_entry(&text, Dialect::Json, MCP).unwrap().unwrap();
        assert!(removed.starts_with("\u{feff}{"));
    }

    #[test]
    fn strict_json_refuses_comments_and_jsonc_accepts_them() {
        let text = "{\n  // hi\n  \"a\": 1,\n}\n";
        assert!(matches!(
            read_entry(text, Dialect::Json, MCP),
            Err(DocError::Parse { line: 2, .. })
        ));
        assert!(read_entry(text, Dialect::Jsonc, MCP).is_ok());
    }

    #[test]
    fn wrong_shapes_are_refused() {
        assert!(matches!(
            upsert_entry("[1]", Dialect::Json, MCP, &json!({})),
            Err(DocError::Shape(_))
        ));
        assert!(matches!(
            upsert_entry("{\"mcpServers\": 3}", Dialect::Json, MCP, &json!({})),
            Err(DocError::Shape(_))
        ));
    }

    #[test]
    fn blank_and_comment_only_texts_get_an_object() {
        assert_eq!(
            upsert_entry("  \n", Dialect::Json, MCP, &json!({"url": "u"})).unwrap(),
            fresh_text(MCP, &json!({"url": "u"}))
        );
        let text =
            upsert_entry("// settings\n", Dialect::Jsonc, MCP, &json!({"url": "u"})).unwrap();
        assert!(text.starts_with("// settings\n"), "{text}");
        assert_eq!(
            read_entry(&text, Dialect::Jsonc, MCP).unwrap(),
            Some(json!({"url": "u"}))
        );
    }
}
