package guestjob

import (
	"reflect"
	"strings"
	"testing"
)

func TestStatusRoundTrip(t *testing.T) {
	text := FormatBoot(3.5, 1.25, 59, 0) + FormatStart(3.75) + TimeoutLine + FormatExit(131, 9.5) + "future 1 2\n"
	got := ParseStatus(text)
	want := Status{
		Booted: true, BootUptime: 3.5, ModuleSeconds: 1.25, ModulesLoaded: 59,
		Started: true, StartUptime: 3.75, TimedOut: true,
		Exited: true, ExitCode: 131, ExitUptime: 9.5,
		Unrecognized: []string{"future 1 2"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got := ParseStatus(FormatError("mount share gonm0:\nno such device")); got.Error != "mount share gonm0: no such device" {
		t.Errorf("error line: %+v", got)
	}
	// An exit line without its status is not an exit.
	if got := ParseStatus("exit\nexit x 1\n"); got.Exited {
		t.Errorf("malformed exit accepted: %+v", got)
	}
	// The older two-field exit line still counts.
	if got := ParseStatus("exit 0\n"); !got.Exited || got.ExitCode != 0 {
		t.Errorf("exit 0: %+v", got)
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add(FormatBoot(1, 2, 3, 4) + FormatStart(5) + FormatExit(0, 6))
	f.Add("timeout\nerror x\nexit 1 2 3\n")
	f.Fuzz(func(t *testing.T, text string) {
		s := ParseStatus(text)
		if s.Exited && !strings.Contains(text, "exit") {
			t.Fatalf("exit status from text without an exit line: %q", text)
		}
		if s.Started && !strings.Contains(text, "start") {
			t.Fatalf("start from text without a start line: %q", text)
		}
		for _, u := range s.Unrecognized {
			if !strings.Contains(text, u) {
				t.Fatalf("unrecognized line %q is not in the input", u)
			}
		}
	})
}
