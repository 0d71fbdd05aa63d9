package loop

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func start(t *testing.T) (*Loop, context.CancelFunc) {
	t.Helper()
	l := New()
	ctx, cancel := context.WithCancel(context.Background())
	go l.Run(ctx)
	t.Cleanup(func() {
		cancel()
		<-l.Done()
	})
	return l, cancel
}

func TestPostRunsInOrder(t *testing.T) {
	l, _ := start(t)
	var got []int
	for i := range 1000 {
		l.Post(func() { got = append(got, i) })
	}
	if err := l.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("position %d ran item %d", i, v)
		}
	}
	if len(got) != 1000 {
		t.Fatalf("ran %d items, want 1000", len(got))
	}
}

// Posts from many goroutines must all run, each goroutine's posts in its own
// order; run with -race to check the queue's locking.
func TestPostFromManyGoroutines(t *testing.T) {
	l, _ := start(t)
	const producers, perProducer = 16, 500
	seen := make([][]int, producers) // touched only on the loop
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perProducer {
				l.Post(func() { seen[p] = append(seen[p], i) })
			}
		}()
	}
	wg.Wait()
	if err := l.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	for p, s := range seen {
		if len(s) != perProducer {
			t.Fatalf("producer %d: %d items ran, want %d", p, len(s), perProducer)
		}
		if !slices.IsSorted(s) {
			t.Fatalf("producer %d: items ran out of order", p)
		}
	}
}

func TestIdleCoalescesAndRunsAfterQueue(t *testing.T) {
	l, _ := start(t)
	var log []string
	err := l.Call(context.Background(), func() {
		for range 100 {
			l.Idle("a", func() { log = append(log, "idle-a") })
		}
		l.Idle("b", func() { log = append(log, "idle-b") })
		l.Idle("a", func() { log = append(log, "idle-a2") }) // replaces, keeps place
		l.Post(func() {
			log = append(log, "post1")
			l.Post(func() { log = append(log, "post2") })
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{"post1", "post2", "idle-a2", "idle-b"}
	if !slices.Equal(log, want) {
		t.Fatalf("order = %v, want %v", log, want)
	}
}

func TestIdleScheduledDuringIdleRunsNextRound(t *testing.T) {
	l, _ := start(t)
	var log []string
	l.Idle(1, func() {
		log = append(log, "first")
		l.Idle(1, func() { log = append(log, "second") })
		l.Post(func() { log = append(log, "post") })
	})
	if err := l.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{"first", "post", "second"}
	if !slices.Equal(log, want) {
		t.Fatalf("order = %v, want %v", log, want)
	}
}

func TestCallAfterStop(t *testing.T) {
	l, cancel := start(t)
	cancel()
	<-l.Done()
	if err := l.Call(context.Background(), func() {}); !errors.Is(err, ErrStopped) {
		t.Fatalf("Call after stop = %v, want ErrStopped", err)
	}
	l.Post(func() { t.Error("work posted after stop ran") })
}

func TestCallContextCancelled(t *testing.T) {
	l, _ := start(t)
	block := make(chan struct{})
	l.Post(func() { <-block })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := l.Call(ctx, func() {}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Call on a blocked loop = %v, want deadline exceeded", err)
	}
	close(block)
}

func TestTimers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := New()
		ctx, cancel := context.WithCancel(t.Context())
		go l.Run(ctx)
		defer func() { cancel(); <-l.Done() }()

		var fired []string
		var tStop, tReset *Timer
		l.Post(func() {
			l.AfterFunc(2*time.Second, func() { fired = append(fired, "2s") })
			l.AfterFunc(1*time.Second, func() { fired = append(fired, "1s") })
			tStop = l.AfterFunc(1500*time.Millisecond, func() { fired = append(fired, "stopped") })
			tReset = l.AfterFunc(500*time.Millisecond, func() { fired = append(fired, "reset") })
		})
		synctest.Wait()
		l.Post(func() {
			if !tStop.Stop() {
				t.Error("Stop of a pending timer reported false")
			}
			tReset.Reset(3 * time.Second)
		})
		time.Sleep(2500 * time.Millisecond)
		if got, want := firedNow(t, l, &fired), []string{"1s", "2s"}; !slices.Equal(got, want) {
			t.Fatalf("after 2.5s fired %v, want %v", got, want)
		}
		time.Sleep(time.Second)
		if got, want := firedNow(t, l, &fired), []string{"1s", "2s", "reset"}; !slices.Equal(got, want) {
			t.Fatalf("after 3.5s fired %v, want %v", got, want)
		}
		l.Post(func() {
			if tReset.Pending() || tReset.Stop() {
				t.Error("a fired timer still reports pending")
			}
		})
		synctest.Wait()
	})
}

// A timer stopped after its time came, while its callback waits behind other
// work in the queue, must not run.
func TestTimerStoppedWhileQueued(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := New()
		ctx, cancel := context.WithCancel(t.Context())
		go l.Run(ctx)
		defer func() { cancel(); <-l.Done() }()

		ran := false
		release := make(chan struct{})
		var tm *Timer
		l.Post(func() {
			tm = l.AfterFunc(time.Second, func() { ran = true })
			<-release // hold the loop while the timer expires
			if !tm.Stop() {
				t.Error("Stop reported the callback as no longer pending")
			}
		})
		time.Sleep(2 * time.Second)
		synctest.Wait()
		close(release)
		var got bool
		if err := l.Call(t.Context(), func() { got = ran }); err != nil {
			t.Fatal(err)
		}
		if got {
			t.Fatal("stopped timer ran")
		}
	})
}

// firedNow reads the loop-owned slice on the loop, which also orders the
// read after the callbacks for the race detector.
func firedNow(t *testing.T, l *Loop, fired *[]string) []string {
	t.Helper()
	var got []string
	if err := l.Call(t.Context(), func() { got = slices.Clone(*fired) }); err != nil {
		t.Fatal(err)
	}
	return got
}
