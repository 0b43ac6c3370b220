//! An incremental parser of the `text/event-stream` format (WHATWG HTML, "Server-sent events",
//! §9.2.6), fed with the body chunks as they arrive.
//!
//! Chunks may split anything: a line, a `\r\n` pair, even a multi-byte UTF-8 character. The
//! parser therefore keeps bytes until a line is complete and only then decodes it. It is pure
//! (no browser APIs): the SPA reads `GET /api/v1/events` with it, and so do the server's tests,
//! the conformance suite and the browser suite's helpers — one parser, tested natively here.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseFrame {
    /// The last event id seen so far in the stream (it persists across events, as in
    /// `EventSource.lastEventId`), `None` when the server never sent one.
    pub id: Option<String>,
    /// The `event:` name, `message` when the event had none.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

/// The event name of a comment returned by a parser [keeping comments](SseParser::keeping_comments).
pub const COMMENT: &str = ":comment";

/// Parser state between chunks.
#[derive(Debug, Default)]
pub struct SseParser {
    /// Bytes of the line being received.
    line: Vec<u8>,
    /// The previous chunk ended in `\r`: a `\n` starting the next one belongs to it.
    after_cr: bool,
    /// Whether the first bytes were looked at (a UTF-8 BOM there is skipped).
    started: bool,
    data: String,
    has_data: bool,
    event: String,
    last_id: Option<String>,
    retry_ms: Option<u32>,
    /// Whether comment lines come out as frames too (see [`SseParser::keeping_comments`]).
    keep_comments: bool,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// A parser for a resumed stream: frames without their own `id:` carry `last_id`.
    pub fn resuming(last_id: Option<String>) -> Self {
        Self {
            last_id,
            ..Self::default()
        }
    }

    /// A parser that also returns each comment line (the server's heartbeat) as a frame named
    /// [`COMMENT`] whose data is the comment's text, in stream order: for tests that watch the
    /// heartbeat. Browsers never see comments.
    pub fn keeping_comments(mut self) -> Self {
        self.keep_comments = true;
        self
    }

    /// The last event id received (or given to [`SseParser::resuming`]).
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// The reconnection delay the server asked for with `retry:`, in milliseconds.
    pub fn retry_ms(&self) -> Option<u32> {
        self.retry_ms
    }

    /// Feeds the next chunk of the body and returns the events it completed, in order.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseFrame> {
        let mut frames = Vec::new();
        let mut bytes = chunk;
        if !self.started && !bytes.is_empty() {
            // The BOM may itself be split; wait for three bytes before deciding.
            self.line.extend_from_slice(bytes);
            if self.line.len() < 3 && b"\xEF\xBB\xBF".starts_with(&self.line) {
                return frames;
            }
            self.started = true;
            let pending = std::mem::take(&mut self.line);
            let rest = pending.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&pending);
            return self.feed_lines(rest, frames);
        }
        if self.after_cr {
            if let Some(rest) = bytes.strip_prefix(b"\n") {
                bytes = rest;
            }
            self.after_cr = false;
        }
        frames = self.feed_lines(bytes, frames);
        frames
    }

    fn feed_lines(&mut self, mut bytes: &[u8], mut frames: Vec<SseFrame>) -> Vec<SseFrame> {
        while let Some(pos) = bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.line.extend_from_slice(&bytes[..pos]);
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, &mut frames);
            if bytes[pos] == b'\r' {
                match bytes.get(pos + 1) {
                    Some(b'\n') => bytes = &bytes[pos + 2..],
                    Some(_) => bytes = &bytes[pos + 1..],
                    None => {
                        // The `\n` of a `\r\n` may be the first byte of the next chunk.
                        self.after_cr = true;
                        bytes = &[];
                    }
                }
            } else {
                bytes = &bytes[pos + 1..];
            }
        }
        self.line.extend_from_slice(bytes);
        frames
    }

    fn process_line(&mut self, line: &[u8], frames: &mut Vec<SseFrame>) {
        if line.is_empty() {
            self.dispatch(frames);
            return;
        }
        if line[0] == b':' {
            // A comment (the server's heartbeat).
            if self.keep_comments {
                frames.push(SseFrame {
                    id: None,
                    event: COMMENT.to_owned(),
                    data: String::from_utf8_lossy(&line[1..]).trim().to_owned(),
                });
            }
            return;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.find(':') {
            Some(i) => {
                let value = &line[i + 1..];
                (&line[..i], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (&line[..], ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => {
                self.last_id = Some(value.to_owned()).filter(|v| !v.is_empty());
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry_ms = value.parse().ok();
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, frames: &mut Vec<SseFrame>) {
        let event = std::mem::take(&mut self.event);
        if !self.has_data {
            // No data: nothing is dispatched, but the event name is reset.
            return;
        }
        self.has_data = false;
        frames.push(SseFrame {
            id: self.last_id.clone(),
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data: std::mem::take(&mut self.data),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(id: Option<&str>, event: &str, data: &str) -> SseFrame {
        SseFrame {
            id: id.map(str::to_owned),
            event: event.to_owned(),
            data: data.to_owned(),
        }
    }

    /// Feeds `stream` split at every possible position and in single bytes: the result must
    /// not depend on where chunks end.
    fn parse_all_splits(stream: &[u8]) -> Vec<SseFrame> {
        let mut whole = SseParser::new();
        let expected = whole.feed(stream);
        for cut in 0..=stream.len() {
            let mut p = SseParser::new();
            let mut got = p.feed(&stream[..cut]);
            got.extend(p.feed(&stream[cut..]));
            assert_eq!(got, expected, "split at {cut}");
        }
        let mut p = SseParser::new();
        let mut got = Vec::new();
        for b in stream {
            got.extend(p.feed(std::slice::from_ref(b)));
        }
        assert_eq!(got, expected, "byte by byte");
        expected
    }

    #[test]
    fn parses_the_servers_events_with_ids_and_names() {
        let stream = b"id: 41\nevent: post.created\ndata: {\"a\":1}\n\n: heartbeat\n\nid: 42\nevent: read.updated\ndata: {\"b\":2}\n\n";
        assert_eq!(
            parse_all_splits(stream),
            vec![
                frame(Some("41"), "post.created", "{\"a\":1}"),
                frame(Some("42"), "read.updated", "{\"b\":2}"),
            ]
        );
    }

    #[test]
    fn multi_line_data_is_joined_with_newlines() {
        let stream = b"data: first\ndata:second\ndata\ndata:  two spaces\n\n";
        assert_eq!(
            parse_all_splits(stream),
            vec![frame(None, "message", "first\nsecond\n\n two spaces")]
        );
    }

    #[test]
    fn crlf_and_lone_cr_end_lines_too() {
        let stream = b"id: 7\r\nevent: reset\r\ndata: {}\r\n\r\nevent: x\rdata: y\r\r";
        assert_eq!(
            parse_all_splits(stream),
            vec![frame(Some("7"), "reset", "{}"), frame(Some("7"), "x", "y")]
        );
    }

    #[test]
    fn comments_come_out_only_when_asked_for() {
        let stream = b": heartbeat\n\ndata: d\n\n";
        let mut p = SseParser::new().keeping_comments();
        assert_eq!(
            p.feed(stream),
            vec![
                frame(None, COMMENT, "heartbeat"),
                frame(None, "message", "d")
            ]
        );
        assert_eq!(
            SseParser::new().feed(stream),
            vec![frame(None, "message", "d")]
        );
    }

    #[test]
    fn comments_and_events_without_data_dispatch_nothing() {
        let stream = b": hello\n\nevent: lonely\n\nid: 3\n\n:heartbeat\n\ndata: d\n\n";
        // The id persists; the name of the data-less event does not leak into the next.
        assert_eq!(
            parse_all_splits(stream),
            vec![frame(Some("3"), "message", "d")]
        );
    }

    #[test]
    fn utf8_split_inside_a_character_survives() {
        let stream =
            "event: post.created\ndata: {\"body\":\"褥瘡の処置、体温36.6℃\"}\n\n".as_bytes();
        assert_eq!(
            parse_all_splits(stream),
            vec![frame(
                None,
                "post.created",
                "{\"body\":\"褥瘡の処置、体温36.6℃\"}"
            )]
        );
    }

    #[test]
    fn a_leading_bom_is_skipped_even_when_split() {
        let stream = b"\xEF\xBB\xBFdata: x\n\n";
        assert_eq!(parse_all_splits(stream), vec![frame(None, "message", "x")]);
        // A BOM later in the stream is data, not skipped.
        let mut p = SseParser::new();
        assert_eq!(
            p.feed(b"data: a\n\n\xEF\xBB\xBFdata: b\n\n"),
            vec![frame(None, "message", "a")]
        );
    }

    #[test]
    fn an_incomplete_event_waits_for_its_blank_line() {
        let mut p = SseParser::new();
        assert!(p.feed(b"id: 9\nevent: post.deleted\ndata: {}").is_empty());
        assert!(p.feed(b"\n").is_empty());
        // The id field takes effect when it is parsed, before the event is dispatched.
        assert_eq!(p.last_event_id(), Some("9"));
        assert_eq!(p.feed(b"\n"), vec![frame(Some("9"), "post.deleted", "{}")]);
    }

    #[test]
    fn ids_with_nul_are_ignored_and_empty_ids_clear() {
        let mut p = SseParser::resuming(Some("5".into()));
        assert_eq!(
            p.feed(b"data: a\n\n"),
            vec![frame(Some("5"), "message", "a")]
        );
        assert_eq!(
            p.feed(b"id: 6\0x\ndata: b\n\n"),
            vec![frame(Some("5"), "message", "b")]
        );
        assert_eq!(
            p.feed(b"id\ndata: c\n\n"),
            vec![frame(None, "message", "c")]
        );
    }

    #[test]
    fn retry_takes_only_digits() {
        let mut p = SseParser::new();
        p.feed(b"retry: 2500\n\n");
        assert_eq!(p.retry_ms(), Some(2500));
        p.feed(b"retry: 3s\n\n");
        assert_eq!(p.retry_ms(), Some(2500));
    }

    #[test]
    fn unknown_fields_and_a_field_without_colon_are_ignored() {
        let stream = b"foo: bar\nevent\ndata: z\n\n";
        assert_eq!(parse_all_splits(stream), vec![frame(None, "message", "z")]);
    }
}
