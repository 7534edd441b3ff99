#include <fluidsynth.h>
#include <glib.h>

// Discards a GLib log message (see CFluidSynth_silence_glib_log).
static inline void CFluidSynth_discard_glib_message(const gchar *domain, GLogLevelFlags level, const gchar *message,
                                                    gpointer data) {
  (void)domain;
  (void)level;
  (void)message;
  (void)data;
}

// FluidSynth's DLS loader (libinstpatch) reports a file that is not a SoundFont through GLib's g_log (a CRITICAL
// assertion message on stderr), bypassing fluid_set_log_function; this sends GLib's default log handler to a no-op.
// GLib is FluidSynth's dependency (libfluidsynth-dev → libinstpatch-dev → libglib2.0-dev); studio uses it for nothing else.
static inline void CFluidSynth_silence_glib_log(void) {
  g_log_set_default_handler(CFluidSynth_discard_glib_message, NULL);
}
