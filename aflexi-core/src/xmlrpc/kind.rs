//! The decoder's vocabulary: XML-RPC's element names and the tags of element-only content.

use std::borrow::Cow;

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
    /// The kind of an element; a prefixed name (`ex:nil`) is known by its local part.
    #[inline]
    pub(super) fn from_name(name: &str) -> Kind {
        Kind::known(name)
            .or_else(|| {
                name.rsplit_once(':')
                    .and_then(|(_, local)| Kind::known(local))
            })
            .unwrap_or_else(|| Kind::Unknown(name.to_owned()))
    }

    /// Grouped by length, so that a name is compared with at most six others of its length
    /// (this runs for every tag of every answer).
    #[inline]
    fn known(local: &str) -> Option<Kind> {
        Some(match (local.len(), local) {
            (2, "i4") => Kind::I4,
            (2, "i8") => Kind::I8,
            (3, "int") => Kind::Int,
            (3, "nil") => Kind::Nil,
            (4, "data") => Kind::Data,
            (4, "name") => Kind::Name,
            (5, "value") => Kind::Value,
            (5, "array") => Kind::Array,
            (5, "param") => Kind::Param,
            (5, "fault") => Kind::Fault,
            (6, "member") => Kind::Member,
            (6, "struct") => Kind::Struct,
            (6, "string") => Kind::String,
            (6, "double") => Kind::Double,
            (6, "params") => Kind::Params,
            (6, "base64") => Kind::Base64,
            (7, "boolean") => Kind::Boolean,
            (10, "methodCall") => Kind::MethodCall,
            (10, "methodName") => Kind::MethodName,
            (14, "methodResponse") => Kind::MethodResponse,
            (16, "dateTime.iso8601") => Kind::DateTime,
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
