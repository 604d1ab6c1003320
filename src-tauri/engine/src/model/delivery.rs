//! How a delivery came about and where it stands: words in the database and the API, enums
//! in the code.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An enum stored as one of its snake_case names.
macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value a stored name stands for; `None` for a name no version wrote.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use named_enum;

named_enum!(
    /// What made a delivery.
    DeliveryKind {
        /// An accepted event, to a webhook subscribed to it.
        Event = "event",
        /// **Test** on a saved webhook.
        Test = "test",
        /// **Resend** of a logged delivery.
        Resend = "resend",
        /// `POST /v1/deliveries`: to a URL of the caller's, no webhook.
        Direct = "direct",
    }
);

named_enum!(
    /// Where a delivery stands.
    DeliveryState {
        /// Waiting for its first or next attempt.
        Pending = "pending",
        Succeeded = "succeeded",
        /// Its attempts are used up (or the endpoint answered 410 Gone).
        Failed = "failed",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_name_is_the_serde_name() {
        for k in DeliveryKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
            assert_eq!(DeliveryKind::parse(k.as_str()), Some(*k));
        }
        for s in DeliveryState::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
            assert_eq!(DeliveryState::parse(s.as_str()), Some(*s));
        }
        assert_eq!(DeliveryState::parse("cancelled"), None);
    }
}
