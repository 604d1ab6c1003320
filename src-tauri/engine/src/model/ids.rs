//! The ids of log rows and deliveries: numbers in the database, `att_12` and `dlv_7` outside
//! it. One type each, so an id is printed and read back in one place and a delivery's id can
//! not be passed where an attempt's is wanted.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use ts_rs::TS;

macro_rules! sequence_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $what:literal, $ts:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, TS)]
        #[ts(export, type = $ts)]
        pub struct $name(pub i64);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            /// Reads `att_12` (or a bare `12`, as the CLI accepts); `None` for anything else.
            pub fn parse(s: &str) -> Option<Self> {
                s.strip_prefix($prefix).unwrap_or(s).parse().ok().filter(|n: &i64| *n > 0).map(Self)
            }

            /// [`Self::parse`], or the not-found error a lookup of `s` would give.
            pub fn find(s: &str) -> crate::Result<Self> {
                Self::parse(s).ok_or_else(|| Self::not_found(s))
            }

            pub fn not_found(s: &str) -> crate::Error {
                crate::Error::NotFound(format!(concat!("There is no ", $what, " {}."), s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<str>::deserialize(d)?;
                Self::parse(&s).ok_or_else(|| serde::de::Error::custom(concat!("not a ", $what, " id (", $prefix, "…)")))
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .pattern(Some(concat!("^", $prefix, "[1-9][0-9]*$")))
                    .examples([concat!($prefix, "12")])
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

sequence_id!(
    /// A log row: one attempt.
    AttemptId,
    "att_",
    "attempt",
    "`att_${number}`"
);
sequence_id!(
    /// A delivery: one event (or Test, resend, direct post) on its way to one target.
    DeliveryId,
    "dlv_",
    "delivery",
    "`dlv_${number}`"
);

/// A webhook: an object id (24 hex digits), fixed when it is created. Where a person may
/// name a webhook by its code too, the engine takes text and resolves it to this.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(export, type = "string")]
pub struct WebhookId(String);

impl WebhookId {
    /// A new, unique id.
    pub fn generate() -> Self {
        Self(crate::model::new_object_id())
    }

    /// An id as the database holds it.
    pub fn stored(id: String) -> Self {
        Self(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for WebhookId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for WebhookId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for WebhookId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for WebhookId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for WebhookId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for WebhookId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl fmt::Display for WebhookId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl utoipa::PartialSchema for WebhookId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[0-9a-f]{24}$"))
            .examples(["6650a1b2c3d4e5f6a7b8c9d0"])
            .into()
    }
}

impl utoipa::ToSchema for WebhookId {}

/// A Logs row: an attempt made, or a delivery whose first attempt is still to come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, TS)]
#[ts(export, type = "`att_${number}` | `dlv_${number}`")]
pub enum LogRowId {
    Attempt(AttemptId),
    Queued(DeliveryId),
}

impl LogRowId {
    pub fn attempt(self) -> Option<AttemptId> {
        match self {
            LogRowId::Attempt(id) => Some(id),
            LogRowId::Queued(_) => None,
        }
    }
}

impl fmt::Display for LogRowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogRowId::Attempt(id) => id.fmt(f),
            LogRowId::Queued(id) => id.fmt(f),
        }
    }
}

impl Serialize for LogRowId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LogRowId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        match (s.starts_with(DeliveryId::PREFIX), AttemptId::parse(&s), DeliveryId::parse(&s)) {
            (true, _, Some(id)) => Ok(LogRowId::Queued(id)),
            (false, Some(id), _) => Ok(LogRowId::Attempt(id)),
            _ => Err(serde::de::Error::custom("not a log row id (att_… or dlv_…)")),
        }
    }
}

impl utoipa::PartialSchema for LogRowId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^(att|dlv)_[1-9][0-9]*$"))
            .description(Some("An attempt (`att_…`), or for a delivery not attempted yet, the delivery (`dlv_…`)."))
            .into()
    }
}

impl utoipa::ToSchema for LogRowId {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_back_what_it_prints() {
        let id = AttemptId(1204);
        assert_eq!(id.to_string(), "att_1204");
        assert_eq!(AttemptId::parse(&id.to_string()), Some(id));
        assert_eq!(serde_json::to_string(&DeliveryId(7)).unwrap(), "\"dlv_7\"");
        assert_eq!(serde_json::from_str::<DeliveryId>("\"dlv_7\"").unwrap(), DeliveryId(7));
    }

    #[test]
    fn other_text_is_no_id() {
        for s in ["", "att_", "att_0", "att_-3", "dlv_12", "att_1x", "att_99999999999999999999"] {
            assert_eq!(AttemptId::parse(s), None, "{s:?}");
        }
        assert_eq!(AttemptId::parse("12"), Some(AttemptId(12)));
        assert!(serde_json::from_str::<AttemptId>("\"dlv_3\"").is_err());
    }

    #[test]
    fn a_log_row_is_an_attempt_or_a_queued_delivery() {
        for (text, id) in [("att_4", LogRowId::Attempt(AttemptId(4))), ("dlv_9", LogRowId::Queued(DeliveryId(9)))] {
            assert_eq!(serde_json::to_value(id).unwrap(), text);
            assert_eq!(serde_json::from_value::<LogRowId>(text.into()).unwrap(), id);
        }
        assert!(serde_json::from_value::<LogRowId>("dlv_x".into()).is_err());
    }
}
