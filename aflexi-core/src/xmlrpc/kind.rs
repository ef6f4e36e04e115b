//! The decoder's vocabulary: XML-RPC's element names and the tags of element-only content.

use std::borrow::Cow;

use quick_xml::events::BytesStart;

use super::text::snippet;

/// The element names of XML-RPC, recognised by their local name (so `ex:nil` is `Nil`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    MethodResponse,
    MethodCall,
    MethodName,
    Params,
    Param,
    Fault,
    Value,
    I4,
    Int,
    I8,
    Boolean,
    Double,
    String,
    DateTime,
    Base64,
    Nil,
    Array,
    Data,
    Struct,
    Member,
    Name,
    /// Any other element, with its name as written.
    Unknown(String),
}

impl Kind {
    pub(super) fn of(start: &BytesStart<'_>) -> Kind {
        Kind::from_name(start.name().0)
    }

    /// The kind of an element; a prefixed name (`ex:nil`) is known by its local part.
    pub(super) fn from_name(name: &str) -> Kind {
        Kind::known(name)
            .or_else(|| {
                name.rsplit_once(':')
                    .and_then(|(_, local)| Kind::known(local))
            })
            .unwrap_or_else(|| Kind::Unknown(name.to_owned()))
    }

    fn known(local: &str) -> Option<Kind> {
        Some(match local {
            "methodResponse" => Kind::MethodResponse,
            "methodCall" => Kind::MethodCall,
            "methodName" => Kind::MethodName,
            "params" => Kind::Params,
            "param" => Kind::Param,
            "fault" => Kind::Fault,
            "value" => Kind::Value,
            "i4" => Kind::I4,
            "int" => Kind::Int,
            "i8" => Kind::I8,
            "boolean" => Kind::Boolean,
            "double" => Kind::Double,
            "string" => Kind::String,
            "dateTime.iso8601" => Kind::DateTime,
            "base64" => Kind::Base64,
            "nil" => Kind::Nil,
            "array" => Kind::Array,
            "data" => Kind::Data,
            "struct" => Kind::Struct,
            "member" => Kind::Member,
            "name" => Kind::Name,
            _ => return None,
        })
    }

    pub(super) fn label(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Kind::MethodResponse => "methodResponse",
            Kind::MethodCall => "methodCall",
            Kind::MethodName => "methodName",
            Kind::Params => "params",
            Kind::Param => "param",
            Kind::Fault => "fault",
            Kind::Value => "value",
            Kind::I4 => "i4",
            Kind::Int => "int",
            Kind::I8 => "i8",
            Kind::Boolean => "boolean",
            Kind::Double => "double",
            Kind::String => "string",
            Kind::DateTime => "dateTime.iso8601",
            Kind::Base64 => "base64",
            Kind::Nil => "nil",
            Kind::Array => "array",
            Kind::Data => "data",
            Kind::Struct => "struct",
            Kind::Member => "member",
            Kind::Name => "name",
            Kind::Unknown(name) => return Cow::Owned(snippet(name)),
        })
    }
}

/// A structural event: what element-only content may contain.
#[derive(Debug)]
pub(super) enum Tag {
    Start(Kind),
    Empty(Kind),
    End(Kind),
    Eof,
}

impl Tag {
    pub(super) fn describe(&self) -> String {
        match self {
            Tag::Start(k) => format!("<{}>", k.label()),
            Tag::Empty(k) => format!("<{}/>", k.label()),
            Tag::End(k) => format!("</{}>", k.label()),
            Tag::Eof => "the end of the body (truncated?)".to_owned(),
        }
    }
}
