//! A log row's one-line summary of its event's data: the first few values with their paths
//! (`task.id: 42 · task.name: Pay invoice`), so that rows can be told apart at a glance.
//! It reads only the start of the data, which may end mid-value: what was read in full counts.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

const MOST_VALUES: usize = 4;
const LONGEST_VALUE: usize = 40;
const LONGEST: usize = 120;

/// The summary of (the start of) a JSON object.
pub fn payload_summary(data: &str) -> String {
    let mut leaves = Vec::new();
    let mut de = serde_json::Deserializer::from_str(data);
    // A truncated or over-long document ends the walk with an error; the values read stay.
    let _ = Leaves { path: String::new(), out: &mut leaves }.deserialize(&mut de);
    let mut line = String::new();
    for (path, value) in leaves {
        let part = format!("{path}: {value}");
        let sep = if line.is_empty() { "" } else { " · " };
        if line.chars().count() + sep.len() + part.chars().count() > LONGEST && !line.is_empty() {
            line.push_str(" …");
            break;
        }
        line.push_str(sep);
        line.push_str(&part);
    }
    // One line, printable: a key or value's control characters (a newline, a NUL) are spaces.
    if line.chars().any(char::is_control) {
        line = line.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    }
    line
}

struct Leaves<'a> {
    path: String,
    out: &'a mut Vec<(String, String)>,
}

/// Stops the walk once enough values are read.
#[derive(Debug)]
struct Enough;

impl fmt::Display for Enough {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("enough values")
    }
}

impl<'a> Leaves<'a> {
    fn leaf<E: de::Error>(self, value: String) -> Result<(), E> {
        if self.out.len() >= MOST_VALUES {
            return Err(E::custom(Enough));
        }
        let value = if value.chars().count() > LONGEST_VALUE {
            format!("{}…", value.chars().take(LONGEST_VALUE).collect::<String>())
        } else {
            value
        };
        self.out.push((if self.path.is_empty() { "data".into() } else { self.path }, value));
        Ok(())
    }

    fn child(&mut self, key: &str) -> Leaves<'_> {
        let path = if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) };
        Leaves { path, out: self.out }
    }

    fn item(&mut self, i: usize) -> Leaves<'_> {
        Leaves { path: format!("{}[{i}]", self.path), out: self.out }
    }
}

impl<'de> DeserializeSeed<'de> for Leaves<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Leaves<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.leaf(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.leaf(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.leaf(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.leaf(v.to_string())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        // One line: a value's own line breaks become spaces.
        self.leaf(v.split_whitespace().collect::<Vec<_>>().join(" "))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.leaf("null".into())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            map.next_value_seed(self.child(&key))?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq.next_element_seed(self.item(i))?.is_some() {
            i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::payload_summary;

    #[test]
    fn the_first_values_with_their_paths() {
        let data = r#"{"task":{"id":42,"name":"Pay the\ninvoice","workflow":"purchase_orders","done":false,"extra":1}}"#;
        assert_eq!(payload_summary(data), "task.id: 42 · task.name: Pay the invoice · task.workflow: purchase_orders · task.done: false");
    }

    #[test]
    fn a_truncated_document_gives_what_was_read_in_full() {
        assert_eq!(
            payload_summary(r#"{"order":{"id":"A-1","lines":[{"sku":"X","qty":2},{"sku":"Y"#),
            "order.id: A-1 · order.lines[0].sku: X · order.lines[0].qty: 2"
        );
        assert_eq!(payload_summary("{}"), "");
    }

    #[test]
    fn long_values_and_lines_are_cut() {
        let long = "x".repeat(100);
        let line = payload_summary(&format!(r#"{{"a":"{long}","b":"{long}","c":"{long}"}}"#));
        assert!(line.chars().count() <= 125, "{line}");
        assert!(line.starts_with(&format!("a: {}…", "x".repeat(40))) && line.ends_with(" …"), "{line}");
    }

    #[test]
    fn control_characters_of_keys_and_values_become_spaces() {
        assert_eq!(payload_summary(r#"{"a\u0000b": "line\none\ttab"}"#), "a b: line one tab");
    }
}
