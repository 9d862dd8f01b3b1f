"""The voice channel: a citizen calls the commune's number (Africa's Talking voice callbacks), chooses a
language and what to do with the keypad, records a message; a WhatsApp voice note takes the same road.

- `service.py`: the call's steps (`handle_voice`, `handle_voice_note`, called by `channels.inbound`);
- `flows.py`: what a domain app registers with `router.register_menu(router.VOICE, ...)` (`VoiceFlow`);
- `prompts.py`: the audio prompts a commune uploads per language, French text-to-speech as fallback;
- `audio.py` and `tasks.py`: downloading a recording in the background and handing it to its flow;
- `views.py`: the commune administrators' prompts page and the public prompt audio the provider plays.
"""
