//! The error every command returns, serialized as `{kind, message}` so that the UI can branch on
//! `kind` and show `message`. Messages are written for the user and never carry secrets.

use serde::ser::SerializeStruct;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Tauri(#[from] tauri::Error),
}

impl CommandError {
    /// A stable, machine-readable name for the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Tauri(_) => "internal",
        }
    }
}

impl serde::Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut error = serializer.serialize_struct("CommandError", 2)?;
        error.serialize_field("kind", self.kind())?;
        error.serialize_field("message", &self.to_string())?;
        error.end()
    }
}

#[cfg(test)]
mod tests {
    use super::CommandError;

    #[test]
    fn serializes_as_kind_and_message() {
        let error = CommandError::from(tauri::Error::WebviewNotFound);
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], "internal");
        assert_eq!(json["message"], error.to_string());
        assert_eq!(json.as_object().map(serde_json::Map::len), Some(2));
    }
}
