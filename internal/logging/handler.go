package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// Output is where log lines go, shared by every logger of one Logging.
type Output struct{ o *output }

type output struct {
	mu         sync.Mutex
	w          io.Writer
	timestamps bool
	buf        []byte
}

// NewOutput writes NetworkManager-style lines ("<info>  [1700000000.1234]
// message") to w. Without timestamps the bracketed time is left out, for
// destinations that stamp lines themselves (the journal).
func NewOutput(w io.Writer, timestamps bool) *Output {
	return &Output{o: &output{w: w, timestamps: timestamps}}
}

// tags are padded so that messages line up, as in NetworkManager's output.
var levelTags = [numLevels]string{"<trace> ", "<debug> ", "<info>  ", "<warn>  ", "<error> ", ""}

type handler struct {
	root   *Logging
	domain Domain
	prefix string
	attrs  []slog.Attr
	group  string
}

func (h *handler) Enabled(_ context.Context, l slog.Level) bool {
	return h.root.Enabled(h.domain, fromSlog(l))
}

func (h *handler) Handle(_ context.Context, r slog.Record) error {
	o := h.root.out
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.buf[:0]
	b = append(b, levelTags[fromSlog(r.Level)]...)
	if o.timestamps {
		t := r.Time
		if t.IsZero() {
			t = time.Now()
		}
		b = append(b, '[')
		b = strconv.AppendInt(b, t.Unix(), 10)
		b = append(b, '.')
		b = fmt.Appendf(b, "%04d", t.Nanosecond()/100000)
		b = append(b, "] "...)
	}
	if h.prefix != "" {
		b = append(b, h.prefix...)
		b = append(b, ": "...)
	}
	b = append(b, r.Message...)
	for _, a := range h.attrs {
		b = appendAttr(b, h.group, a)
	}
	r.Attrs(func(a slog.Attr) bool {
		b = appendAttr(b, h.group, a)
		return true
	})
	b = append(b, '\n')
	o.buf = b
	_, err := o.w.Write(b)
	return err
}

func appendAttr(b []byte, group string, a slog.Attr) []byte {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return b
	}
	if a.Value.Kind() == slog.KindGroup {
		g := a.Key
		if group != "" {
			g = group + "." + a.Key
		}
		for _, ga := range a.Value.Group() {
			b = appendAttr(b, g, ga)
		}
		return b
	}
	b = append(b, ' ')
	if group != "" {
		b = append(b, group...)
		b = append(b, '.')
	}
	b = append(b, a.Key...)
	b = append(b, '=')
	s := a.Value.String()
	if needsQuote(s) {
		b = strconv.AppendQuote(b, s)
	} else {
		b = append(b, s...)
	}
	return b
}

func needsQuote(s string) bool {
	if s == "" {
		return true
	}
	for _, r := range s {
		if r <= ' ' || r == '"' || r == '=' || r > 0x7e {
			return true
		}
	}
	return false
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &n
}

func (h *handler) WithGroup(name string) slog.Handler {
	n := *h
	if n.group != "" {
		n.group += "." + name
	} else {
		n.group = name
	}
	return &n
}
