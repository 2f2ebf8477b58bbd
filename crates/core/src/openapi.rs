//! Schemas of the core types for the proxy's OpenAPI document (`openapi` feature, which only
//! the proxy turns on: the widget never compiles this).
//!
//! The structs and enums that serde writes field by field derive `utoipa::ToSchema` where they
//! are defined. The types written as one string (`try_from`/`into` String) are described here
//! by hand, so the document says what the JSON holds rather than what the Rust holds.

use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

use crate::event::{EventId, TierId};
use crate::money::Currency;
use crate::promo::PromoCode;

fn string_schema(description: &str, pattern: &str, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(Some(pattern))
        .examples([example])
        .into()
}

macro_rules! string_schema {
    ($ty:ty, $name:literal, $description:literal, $pattern:literal, $example:literal) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                string_schema($description, $pattern, $example)
            }
        }

        impl utoipa::ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

// The patterns are those of the types' `parse`; what the proxy writes has passed it.
string_schema!(Currency, "Currency", "An ISO 4217 currency code.", "^[A-Z]{3}$", "PHP");
string_schema!(
    EventId,
    "EventId",
    "The platform's id of an event: 1 to 100 letters, digits, '-', '_', '.' or ':'.",
    "^[A-Za-z0-9_.:-]{1,100}$",
    "344c5b2c-7de4-4174-863f-682207408add"
);
string_schema!(
    TierId,
    "TierId",
    "The platform's id of a ticket tier: 1 to 100 letters, digits, '-', '_', '.' or ':'.",
    "^[A-Za-z0-9_.:-]{1,100}$",
    "tier-general"
);
string_schema!(
    PromoCode,
    "PromoCode",
    "A promo code as stored: trimmed and upper-cased, 3 to 40 letters, digits, '-' or '_'.",
    "^[A-Z0-9_-]{3,40}$",
    "EARLYBIRD"
);

/// A type serde writes through a wire struct (`try_from`/`into`) is described by that struct.
macro_rules! schema_of_wire {
    ($ty:ty, $wire:ty, $name:literal) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                <$wire as utoipa::PartialSchema>::schema()
            }
        }

        impl utoipa::ToSchema for $ty {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }

            fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
                <$wire as utoipa::ToSchema>::schemas(schemas)
            }
        }
    };
}
pub(crate) use schema_of_wire;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::{FieldError, Problem};
    use crate::promo::Discount;
    use crate::{Field, Money};
    use utoipa::PartialSchema;

    fn json_of<T: PartialSchema>() -> serde_json::Value {
        serde_json::to_value(T::schema()).unwrap()
    }

    #[test]
    fn string_types_are_described_as_the_strings_they_are_written_as() {
        assert_eq!(json_of::<Currency>()["type"], "string");
        assert_eq!(json_of::<Currency>()["pattern"], "^[A-Z]{3}$");
        assert_eq!(json_of::<EventId>()["type"], "string");
        assert_eq!(json_of::<PromoCode>()["type"], "string");
    }

    #[test]
    fn wire_shaped_types_are_described_by_their_wire_structs() {
        let problem = json_of::<Problem>();
        assert_eq!(problem["required"], serde_json::json!(["kind"]));
        assert!(problem["properties"]["kind"]["enum"].as_array().unwrap().contains(&"above_availability".into()));
        let discount = json_of::<Discount>();
        assert_eq!(discount["properties"]["type"]["enum"], serde_json::json!(["percentage", "fixed_amount"]));
        let field_error = json_of::<FieldError>();
        assert_eq!(field_error["required"], serde_json::json!(["field", "problem"]));
        let field = json_of::<Field>();
        assert!(field["enum"].as_array().unwrap().contains(&"promo_code".into()));
        assert_eq!(json_of::<Money>()["required"], serde_json::json!(["amount", "currency"]));
    }
}
