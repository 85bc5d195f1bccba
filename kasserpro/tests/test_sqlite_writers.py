"""The SQLite writer queue hands the write turn over in arrival order."""

import threading

from kasserpro.db.sqlite.base import FifoLock


def _wait_for_waiters(lock: FifoLock, count: int) -> None:
    # Spin on the queue's own state: the next thread starts only once the
    # previous one is queued, so the arrival order is known.
    while len(lock._waiters) < count:
        threading.Event().wait(0.001)


def test_fifo_lock_hands_over_in_arrival_order():
    lock = FifoLock()
    assert lock.acquire(timeout=1)
    order = []

    def writer(name):
        assert lock.acquire(timeout=10)
        order.append(name)
        lock.release()

    threads = []
    for index, name in enumerate("abcde"):
        thread = threading.Thread(target=writer, args=(name,))
        thread.start()
        threads.append(thread)
        _wait_for_waiters(lock, index + 1)
    lock.release()
    for thread in threads:
        thread.join(timeout=10)

    assert order == list("abcde")
    assert lock.acquire(timeout=0.1)


def test_fifo_lock_wait_runs_out_and_leaves_the_queue():
    lock = FifoLock()
    assert lock.acquire(timeout=1)

    assert lock.acquire(timeout=0.05) is False
    assert len(lock._waiters) == 0
    lock.release()
    assert lock.acquire(timeout=0.05)
