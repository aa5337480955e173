//! Philips Hue client: local CLIP v2 (and v1), remote, discovery, pairing, event stream, pacing.
