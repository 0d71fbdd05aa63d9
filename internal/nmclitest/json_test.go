package nmclitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
)

// jsonRecords decodes nmcli's JSON output keeping the order of keys: each
// record is a list of key/value pairs whose values are strings, nil,
// []any of strings or of records, or records (sections).
type jsonKV struct {
	Key   string
	Value any
}

func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var rec []jsonKV
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", kt)
				}
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				rec = append(rec, jsonKV{k, v})
			}
			_, err := dec.Token()
			return rec, err
		case '[':
			list := []any{}
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token()
			return list, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string, nil:
		return t, nil
	default:
		return nil, fmt.Errorf("unexpected value %v (%T): nmcli's JSON has only strings", t, t)
	}
}

// flattenJSON renders decoded JSON the way "nmcli -t -m multiline" prints
// the same fields: "SECTION.FIELD:value", arrays as FIELD[n] (absent when
// empty), null as an empty value.
func flattenJSON(doc any) (string, error) {
	top, ok := doc.([]any)
	if !ok {
		return "", fmt.Errorf("top level is not an array")
	}
	var b strings.Builder
	var walk func(prefix string, v any) error
	walk = func(prefix string, v any) error {
		switch x := v.(type) {
		case nil:
			b.WriteString(prefix + ":\n")
		case string:
			b.WriteString(prefix + ":" + x + "\n")
		case []jsonKV:
			for _, kv := range x {
				name := kv.Key
				if prefix != "" {
					name = prefix + "." + kv.Key
				}
				if err := walk(name, kv.Value); err != nil {
					return err
				}
			}
		case []any:
			for i, e := range x {
				if err := walk(fmt.Sprintf("%s[%d]", prefix, i+1), e); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("unexpected %T", v)
		}
		return nil
	}
	for i, rec := range top {
		if _, ok := rec.([]jsonKV); !ok {
			return "", fmt.Errorf("element %d is not an object", i)
		}
		if err := walk("", rec); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// jsonCommands are the command lines whose JSON output is checked against
// the terse multiline output of the same fields.
var jsonCommands = [][]string{
	{"g"}, {"-f", "all", "g"}, {"g", "permissions"}, {"g", "logging"},
	{"networking"}, {"networking", "connectivity"}, {"radio"}, {"d"}, {"-f", "all", "d"},
	{"c"}, {"-f", "all", "c"}, {"c", "show", "--active"}, {"-f", "NAME,UUID", "c", "s", "--order", "name"},
	{"d", "show"}, {"d", "show", "eth1"}, {"-f", "all", "d", "show", "br0"}, {"-f", "all", "d", "show", "eth3"},
	{"-f", "GENERAL.DEVICE,IP4.ADDRESS", "d", "show", "eth2"}, {"-f", "all", "d", "show", "lo"},
	{"-f", "active", "c", "show", NameStatic}, {"-f", "active", "c", "show", NameDHCP, NameBridge},
	{"d", "lldp"}, {"d", "wifi"},
}

// checkJSON checks gonm's JSON mode: every output is one well-formed
// array, and it holds exactly the fields and values of the terse
// multiline output (whose layout the reference pins down).
func checkJSON(t *testing.T, w *World, ours string) {
	for _, args := range jsonCommands {
		name := strings.Join(args, " ")
		opts := [][]string{{"--json"}}
		if len(args) == 1 && args[0] == "g" {
			opts = append(opts, []string{"-j"}, []string{"-m", "json"}, []string{"--mode", "json"})
		}
		for _, opt := range opts {
			jr := w.Run(ours, append(append([]string{}, opt...), args...), RunOptions{})
			tr := w.Run(ours, append([]string{"-t", "-m", "multiline"}, args...), RunOptions{})
			if jr.Code != 0 || tr.Code != 0 || len(jr.Stderr) != 0 {
				t.Errorf("%s %s: exit %d (terse %d), stderr %q", opt, name, jr.Code, tr.Code, jr.Stderr)
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(jr.Stdout))
			doc, err := decodeOrdered(dec)
			if err == nil {
				if _, e := dec.Token(); e != io.EOF {
					err = fmt.Errorf("data after the document")
				}
			}
			if err != nil {
				t.Errorf("%s %s: bad JSON: %v\n%s", opt, name, err, jr.Stdout)
				continue
			}
			flat, err := flattenJSON(doc)
			if err != nil {
				t.Errorf("%s %s: %v\n%s", opt, name, err, jr.Stdout)
				continue
			}
			// Terse output separates objects (devices) by blank lines,
			// and an object without fields (an inactive profile's
			// active-connection sections) leaves just its blank line.
			var terse string
			for _, line := range strings.SplitAfter(string(tr.Stdout), "\n") {
				if line != "\n" {
					terse += line
				}
			}
			if flat != terse {
				t.Errorf("%s %s: JSON and terse output differ:\n%s", opt, name,
					Diff(Result{Stdout: []byte(terse)}, Result{Stdout: []byte(flat)}))
			}
		}
	}
	// A bare value becomes a record.
	plain := w.Run(ours, []string{"g", "hostname"}, RunOptions{})
	r := w.Run(ours, []string{"--json", "g", "hostname"}, RunOptions{})
	want := fmt.Sprintf("[\n  {\n    \"HOSTNAME\": %q\n  }\n]\n", strings.TrimSuffix(string(plain.Stdout), "\n"))
	if r.Code != 0 || string(r.Stdout) != want || len(plain.Stdout) == 0 {
		t.Errorf("--json g hostname: %s\nwant stdout %q", r, want)
	}
	// Errors, help and actions print no document, only their usual text.
	for _, args := range [][]string{{"c", "show", "nosuch"}, {"c", "help"}, {"bogus"}, {"c", "down", "spare"}} {
		plain := w.Run(ours, args, RunOptions{})
		r := w.Run(ours, append([]string{"--json"}, args...), RunOptions{})
		if d := Diff(plain, r); d != "" {
			t.Errorf("--json %s differs from plain output:\n%s", strings.Join(args, " "), d)
		}
	}
}
