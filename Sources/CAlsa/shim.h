#include <alsa/asoundlib.h>
#include <errno.h>
#include <string.h>

// Wrappers for libasound's sequencer macros (Swift cannot call function-like macros), for its variadic
// error-handler type (Swift cannot define a C variadic function), and for union and packed-struct fields of
// snd_seq_event_t. Every event helper starts from a cleared event; names follow the seqmid.h macros they wrap.

// A do-nothing libasound error handler; the type is variadic, so it must be written in C.
static inline void CAlsa_quiet_error_handler(const char *file, int line, const char *function, int err, const char *fmt, ...) {
  (void)file; (void)line; (void)function; (void)err; (void)fmt;
}

// Stops libasound printing "ALSA lib seq_hw.c:…" lines on stderr; errors still come back as return codes.
static inline void CAlsa_silence_errors(void) { snd_lib_error_set_handler(CAlsa_quiet_error_handler); }

// snd_seq_ev_clear + snd_seq_ev_set_source + snd_seq_ev_set_subs: an empty event from `port` to its subscribers.
static inline void CAlsa_event_prepare(snd_seq_event_t *ev, int port) {
  snd_seq_ev_clear(ev);
  snd_seq_ev_set_source(ev, port);
  snd_seq_ev_set_subs(ev);
}

// snd_seq_ev_schedule_tick with an absolute tick time stamp.
static inline void CAlsa_event_schedule_tick(snd_seq_event_t *ev, int queue, unsigned int tick) {
  snd_seq_ev_schedule_tick(ev, queue, 0, tick);
}

// snd_seq_ev_set_direct: deliver at once, bypassing any queue.
static inline void CAlsa_event_set_direct(snd_seq_event_t *ev) { snd_seq_ev_set_direct(ev); }

// snd_seq_ev_set_noteon.
static inline void CAlsa_event_set_noteon(snd_seq_event_t *ev, int channel, int key, int velocity) {
  snd_seq_ev_set_noteon(ev, channel, key, velocity);
}

// snd_seq_ev_set_noteoff.
static inline void CAlsa_event_set_noteoff(snd_seq_event_t *ev, int channel, int key, int velocity) {
  snd_seq_ev_set_noteoff(ev, channel, key, velocity);
}

// snd_seq_ev_set_keypress (polyphonic key pressure).
static inline void CAlsa_event_set_keypress(snd_seq_event_t *ev, int channel, int key, int pressure) {
  snd_seq_ev_set_keypress(ev, channel, key, pressure);
}

// snd_seq_ev_set_controller.
static inline void CAlsa_event_set_controller(snd_seq_event_t *ev, int channel, int controller, int value) {
  snd_seq_ev_set_controller(ev, channel, controller, value);
}

// snd_seq_ev_set_pgmchange.
static inline void CAlsa_event_set_pgmchange(snd_seq_event_t *ev, int channel, int program) {
  snd_seq_ev_set_pgmchange(ev, channel, program);
}

// snd_seq_ev_set_chanpress.
static inline void CAlsa_event_set_chanpress(snd_seq_event_t *ev, int channel, int pressure) {
  snd_seq_ev_set_chanpress(ev, channel, pressure);
}

// snd_seq_ev_set_pitchbend; `value` is centred on 0 (−8192…8191).
static inline void CAlsa_event_set_pitchbend(snd_seq_event_t *ev, int channel, int value) {
  snd_seq_ev_set_pitchbend(ev, channel, value);
}

// snd_seq_ev_set_sysex; the data (with its F0…F7 framing) must stay valid until the event is output.
static inline void CAlsa_event_set_sysex(snd_seq_event_t *ev, unsigned int length, void *data) {
  snd_seq_ev_set_sysex(ev, length, data);
}

// snd_seq_ev_set_queue_control: a queue event (START, STOP, TEMPO…) addressed to the system timer port.
static inline void CAlsa_event_set_queue_control(snd_seq_event_t *ev, int type, int queue, int value) {
  snd_seq_ev_set_queue_control(ev, type, queue, value);
}

// Union field reads of a received event (snd_seq_event_t.data is a union, .ext is packed).
static inline int CAlsa_event_type(const snd_seq_event_t *ev) { return ev->type; }
static inline int CAlsa_event_note_channel(const snd_seq_event_t *ev) { return ev->data.note.channel; }
static inline int CAlsa_event_note_key(const snd_seq_event_t *ev) { return ev->data.note.note; }
static inline int CAlsa_event_note_velocity(const snd_seq_event_t *ev) { return ev->data.note.velocity; }
static inline int CAlsa_event_control_channel(const snd_seq_event_t *ev) { return ev->data.control.channel; }
static inline unsigned int CAlsa_event_control_param(const snd_seq_event_t *ev) { return ev->data.control.param; }
static inline int CAlsa_event_control_value(const snd_seq_event_t *ev) { return ev->data.control.value; }
static inline unsigned int CAlsa_event_ext_length(const snd_seq_event_t *ev) { return ev->data.ext.len; }
static inline const void *CAlsa_event_ext_data(const snd_seq_event_t *ev) { return ev->data.ext.ptr; }
static inline int CAlsa_event_source_client(const snd_seq_event_t *ev) { return ev->source.client; }
static inline int CAlsa_event_source_port(const snd_seq_event_t *ev) { return ev->source.port; }
static inline int CAlsa_event_addr_client(const snd_seq_event_t *ev) { return ev->data.addr.client; }
static inline int CAlsa_event_addr_port(const snd_seq_event_t *ev) { return ev->data.addr.port; }
static inline int CAlsa_event_flags(const snd_seq_event_t *ev) { return ev->flags; }
static inline int CAlsa_event_queue(const snd_seq_event_t *ev) { return ev->queue; }
static inline unsigned int CAlsa_event_tick(const snd_seq_event_t *ev) { return ev->time.tick; }
static inline int CAlsa_event_dest_client(const snd_seq_event_t *ev) { return ev->dest.client; }
static inline int CAlsa_event_dest_port(const snd_seq_event_t *ev) { return ev->dest.port; }
static inline int CAlsa_event_queue_control_queue(const snd_seq_event_t *ev) { return ev->data.queue.queue; }
static inline int CAlsa_event_queue_control_value(const snd_seq_event_t *ev) { return ev->data.queue.param.value; }
// The real-time stamp of an event received on a port with real-time time-stamping, in nanoseconds.
static inline long long CAlsa_event_real_time_ns(const snd_seq_event_t *ev) {
  return (long long)ev->time.time.tv_sec * 1000000000LL + (long long)ev->time.time.tv_nsec;
}

// snd_seq_event_type values used by studio (enum constants, re-exported as ints for Swift).
static inline int CAlsa_type_noteon(void) { return SND_SEQ_EVENT_NOTEON; }
static inline int CAlsa_type_noteoff(void) { return SND_SEQ_EVENT_NOTEOFF; }
static inline int CAlsa_type_keypress(void) { return SND_SEQ_EVENT_KEYPRESS; }
static inline int CAlsa_type_controller(void) { return SND_SEQ_EVENT_CONTROLLER; }
static inline int CAlsa_type_pgmchange(void) { return SND_SEQ_EVENT_PGMCHANGE; }
static inline int CAlsa_type_chanpress(void) { return SND_SEQ_EVENT_CHANPRESS; }
static inline int CAlsa_type_pitchbend(void) { return SND_SEQ_EVENT_PITCHBEND; }
static inline int CAlsa_type_sysex(void) { return SND_SEQ_EVENT_SYSEX; }
static inline int CAlsa_type_start(void) { return SND_SEQ_EVENT_START; }
static inline int CAlsa_type_continue(void) { return SND_SEQ_EVENT_CONTINUE; }
static inline int CAlsa_type_stop(void) { return SND_SEQ_EVENT_STOP; }
static inline int CAlsa_type_tempo(void) { return SND_SEQ_EVENT_TEMPO; }
static inline int CAlsa_type_port_exit(void) { return SND_SEQ_EVENT_PORT_EXIT; }
static inline int CAlsa_type_client_exit(void) { return SND_SEQ_EVENT_CLIENT_EXIT; }
