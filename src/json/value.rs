//! A serde [`Deserializer`] over what `JSON.parse` returned, with an error that says nothing.
//!
//! Why not serde-wasm-bindgen's deserializer, which did this before: its error formats serde's
//! messages ("invalid type: floating point `1.5`, expected …"), and formatting them kept the
//! float printer, serde's `Unexpected`/`Expected` texts, the `expecting` text of every visitor
//! and the `Display` of uuid's and chrono's parse errors in the download, ~4 KiB of brotli
//! (docs/performance.md), for messages [`super::parse`] throws away. Here every error is
//! [`Invalid`], whose constructors take nothing to format, so that code is never reached.
//!
//! It reads values as serde-wasm-bindgen did: a struct by looking up each of its fields on the
//! object (other keys are never visited), a number as an integer when it is a safe integer, an
//! enum from a string or a one-key object. `JSON.parse` only makes null, booleans, numbers,
//! strings, arrays and plain objects, so nothing else is handled. The browser test
//! `json_parse_reads_what_serde_json_reads` checks every wire shape against serde_json.

use std::fmt;

use js_sys::{Array, JsString, Number, Object, Reflect};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// The value was not the type asked for. Carries no message: nobody reads it.
#[derive(Debug)]
pub struct Invalid;

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid value")
    }
}

impl std::error::Error for Invalid {}

/// Every constructor is overridden: serde's defaults would format a message first.
impl de::Error for Invalid {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Invalid
    }

    fn invalid_type(_: de::Unexpected, _: &dyn de::Expected) -> Self {
        Invalid
    }

    fn invalid_value(_: de::Unexpected, _: &dyn de::Expected) -> Self {
        Invalid
    }

    fn invalid_length(_: usize, _: &dyn de::Expected) -> Self {
        Invalid
    }

    fn unknown_variant(_: &str, _: &'static [&'static str]) -> Self {
        Invalid
    }

    fn unknown_field(_: &str, _: &'static [&'static str]) -> Self {
        Invalid
    }

    fn missing_field(_: &'static str) -> Self {
        Invalid
    }

    fn duplicate_field(_: &'static str) -> Self {
        Invalid
    }
}

type Result<T> = std::result::Result<T, Invalid>;

/// A value `JSON.parse` made, to be read as a serde type.
pub struct Value(pub JsValue);

impl Value {
    fn is_nullish(&self) -> bool {
        self.0.loose_eq(&JsValue::NULL)
    }

    fn safe_integer(&self) -> Option<i64> {
        Number::is_safe_integer(&self.0).then(|| self.0.unchecked_into_f64() as i64)
    }

    /// A plain object (not an array).
    fn object(&self) -> Option<&Object> {
        (self.0.is_object() && !Array::is_array(&self.0)).then(|| self.0.unchecked_ref())
    }

    fn array(&self) -> Option<&Array> {
        self.0.dyn_ref::<Array>()
    }
}

impl<'de> de::Deserializer<'de> for Value {
    type Error = Invalid;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.is_nullish() {
            visitor.visit_unit()
        } else if let Some(b) = self.0.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(n) = self.0.as_f64() {
            match self.safe_integer() {
                Some(i) => visitor.visit_i64(i),
                None => visitor.visit_f64(n),
            }
        } else if let Some(s) = self.0.as_string() {
            visitor.visit_string(s)
        } else if self.array().is_some() {
            self.deserialize_seq(visitor)
        } else if self.object().is_some() {
            self.deserialize_map(visitor)
        } else {
            Err(Invalid)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.is_nullish() {
            visitor.visit_unit()
        } else {
            Err(Invalid)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_bool(self.0.as_bool().ok_or(Invalid)?)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(self.0.as_f64().ok_or(Invalid)?)
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_i64(self.safe_integer().ok_or(Invalid)?)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.safe_integer() {
            Some(i) if i >= 0 => visitor.visit_u64(i as u64),
            _ => Err(Invalid),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_string(self.0.as_string().ok_or(Invalid)?)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.is_nullish() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let array = self.array().ok_or(Invalid)?;
        visitor.visit_seq(Elements {
            len: array.length(),
            array: array.clone(),
            next: 0,
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let entries = Object::entries(self.object().ok_or(Invalid)?);
        visitor.visit_map(Entries {
            len: entries.length(),
            entries,
            next: 0,
            value: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let object = self.object().ok_or(Invalid)?.clone();
        visitor.visit_map(Fields {
            object,
            fields: fields.iter(),
            value: None,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let (tag, payload) = if self.0.is_string() {
            (self.0, JsValue::UNDEFINED)
        } else {
            let entries = Object::entries(self.object().ok_or(Invalid)?);
            if entries.length() != 1 {
                return Err(Invalid);
            }
            let pair: Array = entries.get(0).unchecked_into();
            (pair.get(0), pair.get(1))
        };
        visitor.visit_enum(Variant { tag, payload })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }

    fn is_human_readable(&self) -> bool {
        true
    }
}

/// The elements of an array.
struct Elements {
    array: Array,
    next: u32,
    len: u32,
}

impl<'de> de::SeqAccess<'de> for Elements {
    type Error = Invalid;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.next >= self.len {
            return Ok(None);
        }
        let value = self.array.get(self.next);
        self.next += 1;
        seed.deserialize(Value(value)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.len - self.next) as usize)
    }
}

/// The `[key, value]` pairs of an object, for maps.
struct Entries {
    entries: Array,
    next: u32,
    len: u32,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Invalid;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.next >= self.len {
            return Ok(None);
        }
        let pair: Array = self.entries.get(self.next).unchecked_into();
        self.next += 1;
        self.value = Some(pair.get(1));
        seed.deserialize(Value(pair.get(0))).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(Value(self.value.take().ok_or(Invalid)?))
    }
}

/// The fields a struct asks for, looked up on the object one by one; a field the object lacks
/// is skipped (serde then uses its default or reports it missing).
struct Fields {
    object: Object,
    fields: std::slice::Iter<'static, &'static str>,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = Invalid;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        for &field in &mut self.fields {
            let value = Reflect::get(&self.object, &JsString::from(field)).map_err(|_| Invalid)?;
            // JSON has no `undefined`: it means the key is absent.
            if !value.is_undefined() {
                self.value = Some(value);
                let key: de::value::StrDeserializer<'_, Invalid> = field.into_deserializer();
                return seed.deserialize(key).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(Value(self.value.take().ok_or(Invalid)?))
    }
}

/// An enum's variant name and its payload (`undefined` for a unit variant given as a string).
struct Variant {
    tag: JsValue,
    payload: JsValue,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Invalid;
    type Variant = Value;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Value)> {
        Ok((seed.deserialize(Value(self.tag))?, Value(self.payload)))
    }
}

impl<'de> de::VariantAccess<'de> for Value {
    type Error = Invalid;

    fn unit_variant(self) -> Result<()> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_tuple(self, len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}
