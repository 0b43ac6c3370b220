//! One string mapping per wire enum. The reference server stores enums as their wire names and
//! clients put them in URLs, so every fieldless enum of the contract gets `as_str` and `FromStr`
//! from one list here instead of hand-written matches at each call site; a test checks each list
//! against serde, which writes the JSON.

use std::fmt;

/// A string that is none of an enum's wire names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownWireName {
    /// The enum, e.g. `InvitationKind`.
    pub type_name: &'static str,
    /// The string that did not match.
    pub name: String,
}

impl fmt::Display for UnknownWireName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.type_name, self.name)
    }
}

impl std::error::Error for UnknownWireName {}

/// `wire_names!(Enum { Variant => "wire_name", … })` gives `Enum::ALL`, `Enum::as_str`,
/// `FromStr for Enum` and `Deserialize for Enum`. The names must be serde's `Serialize` (the test
/// in this module checks); `FromStr` accepts exactly them, so each caller decides what an unknown
/// stored value means. `Deserialize` reads a string through `FromStr` and refuses others with
/// serde's own "unknown variant" error, or, with `wire_names!(Enum { … } else Fallback)`, reads
/// them as `Fallback` (a newer backend's value an older client does not know).
///
/// Hand-written rather than derived for the app's size: serde's derive gives each enum a
/// visitor for strings, bytes, indexes and maps (~8 KB of wasm for `ErrorCode`); this one shares
/// the string parser every enum of a format already uses.
macro_rules! wire_names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? } else $fallback:ident) => {
        $crate::wire_enum::wire_names!(@names $ty { $($variant => $name),+ });

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = <String as ::serde::Deserialize>::deserialize(d)?;
                Ok(name.parse().unwrap_or(Self::$fallback))
            }
        }
    };
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        $crate::wire_enum::wire_names!(@names $ty { $($variant => $name),+ });

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let name = <String as ::serde::Deserialize>::deserialize(d)?;
                name.parse().map_err(|_| {
                    <D::Error as ::serde::de::Error>::unknown_variant(&name, &[$($name),+])
                })
            }
        }
    };
    (@names $ty:ident { $($variant:ident => $name:literal),+ }) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The wire name, as serde writes it and the reference server stores it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::UnknownWireName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok(Self::$variant),)+
                    _ => Err($crate::UnknownWireName {
                        type_name: stringify!($ty),
                        name: s.to_owned(),
                    }),
                }
            }
        }
    };
}
pub(crate) use wire_names;

#[cfg(test)]
mod tests {
    use std::fmt::Debug;
    use std::str::FromStr;

    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use crate::*;

    /// `as_str` is what serde writes, and both serde and `FromStr` read it back, for every variant.
    fn agrees_with_serde<T>(all: &[T], as_str: fn(T) -> &'static str)
    where
        T: Copy + PartialEq + Debug + Serialize + DeserializeOwned + FromStr,
        T::Err: Debug,
    {
        for &v in all {
            let name = as_str(v);
            assert_eq!(serde_json::to_value(v).unwrap(), name, "{v:?}");
            assert_eq!(serde_json::from_value::<T>(name.into()).unwrap(), v);
            assert_eq!(name.parse::<T>().unwrap(), v);
        }
    }

    #[test]
    fn every_wire_enum_agrees_with_serde() {
        agrees_with_serde(Profession::ALL, Profession::as_str);
        agrees_with_serde(FacilityKind::ALL, FacilityKind::as_str);
        agrees_with_serde(GroupKind::ALL, GroupKind::as_str);
        agrees_with_serde(MemberRole::ALL, MemberRole::as_str);
        agrees_with_serde(Timeline::ALL, Timeline::as_str);
        agrees_with_serde(PhysicianRule::ALL, PhysicianRule::as_str);
        agrees_with_serde(Relationship::ALL, Relationship::as_str);
        agrees_with_serde(InvitationStatus::ALL, InvitationStatus::as_str);
        agrees_with_serde(ApplicationStatus::ALL, ApplicationStatus::as_str);
        agrees_with_serde(AccountStatus::ALL, AccountStatus::as_str);
        agrees_with_serde(InvitationKind::ALL, InvitationKind::as_str);
        agrees_with_serde(SystemEventKind::ALL, SystemEventKind::as_str);
        agrees_with_serde(Importance::ALL, Importance::as_str);
        agrees_with_serde(RevisionKind::ALL, RevisionKind::as_str);
        agrees_with_serde(ErrorCode::ALL, ErrorCode::as_str);
        agrees_with_serde(crate::EmailMode::ALL, crate::EmailMode::as_str);
    }

    #[test]
    fn serde_refuses_unknown_names_and_non_strings_unless_the_enum_falls_back() {
        let err = serde_json::from_str::<Importance>(r#""critical""#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown variant `critical`, expected one of `normal`, `important`, `urgent`"
        );
        assert!(serde_json::from_str::<Importance>("1").is_err());
        assert!(serde_json::from_str::<Importance>(r#"{"urgent":null}"#).is_err());
        // An escaped string is still its name.
        assert_eq!(
            serde_json::from_str::<Importance>(r#""\u0075rgent""#).unwrap(),
            Importance::Urgent
        );
        assert_eq!(
            serde_json::from_str::<ErrorCode>(r#""brand_new_code""#).unwrap(),
            ErrorCode::Unknown
        );
        assert_eq!(
            serde_json::from_str::<SystemEventKind>(r#""brand_new_event""#).unwrap(),
            SystemEventKind::Unknown
        );
        assert!(serde_json::from_str::<ErrorCode>("7").is_err());
    }

    #[test]
    fn from_str_refuses_unknown_names_even_where_serde_falls_back() {
        let err = "brand_new_code".parse::<ErrorCode>().unwrap_err();
        assert_eq!(err.to_string(), r#"unknown ErrorCode "brand_new_code""#);
        assert!("Care".parse::<Timeline>().is_err());
    }

    #[test]
    fn lenient_parsers_keep_their_fallbacks() {
        assert_eq!(Profession::parse("astronaut"), Profession::Other);
        assert_eq!(FacilityKind::parse("spaceport"), FacilityKind::Other);
        assert_eq!(GroupKind::parse("club"), GroupKind::Workplace);
        assert_eq!(MemberRole::parse("owner"), MemberRole::Family);
        assert_eq!(Relationship::parse("cousin"), Relationship::Other);
        assert_eq!(Timeline::parse("both"), None);
        assert_eq!(Importance::parse("critical"), None);
    }
}
