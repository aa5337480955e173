//! A Server-Sent Events parser that is fed bytes as they arrive (frames can be split anywhere,
//! even inside a UTF-8 character) and yields whole messages.

/// One SSE message: its `id` and its `data` lines joined by `\n`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct Parser {
    pending: Vec<u8>,
    current: Message,
    has_data: bool,
}

impl Parser {
    /// Feeds a chunk and returns the messages it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Message> {
        self.pending.extend_from_slice(chunk);
        let mut messages = Vec::new();
        while let Some(end) = self.pending.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = self.pending.drain(..=end).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line);
            if let Some(message) = self.line(&line) {
                messages.push(message);
            }
        }
        messages
    }

    fn line(&mut self, line: &str) -> Option<Message> {
        if line.is_empty() {
            let message = std::mem::take(&mut self.current);
            let complete = std::mem::take(&mut self.has_data);
            return complete.then_some(message);
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "data" => {
                if self.has_data {
                    self.current.data.push('\n');
                }
                self.current.data.push_str(value);
                self.has_data = true;
            }
            "id" => self.current.id = Some(value.to_owned()),
            "event" => self.current.event = Some(value.to_owned()),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{Message, Parser};

    #[test]
    fn frames_split_anywhere_still_parse() {
        let stream = ": hi\n\nid: 1700000000:0\r\ndata: [{\"a\":\n\ndata: 1}]\nid: 1700000000:1\ndata: [\"é\"]\n\n";
        let expected = vec![
            Message {
                id: Some("1700000000:0".into()),
                event: None,
                data: "[{\"a\":".into(),
            },
            Message {
                id: Some("1700000000:1".into()),
                event: None,
                data: "1}]\n[\"é\"]".into(),
            },
        ];
        for split in 1..stream.len() {
            let mut parser = Parser::default();
            let bytes = stream.as_bytes();
            let mut got = parser.feed(&bytes[..split]);
            got.extend(parser.feed(&bytes[split..]));
            assert_eq!(got, expected, "split at {split}");
        }
    }

    #[test]
    fn a_comment_alone_is_no_message() {
        assert!(Parser::default().feed(b": hi\n\n:\n\n").is_empty());
    }
}
