/*
 * base/ring.h — a FIFO that grows: the queue of fixed-size elements that
 * several rooms keep in order of arrival. The kernel keeps these as lists
 * or fixed rings (cpu_stop_queue_work's list_add_tail on stopper->works,
 * a virtqueue's descriptor ring, __raise_softirq_irqoff's pending work,
 * futex_wait's hash-bucket queue); the model needs only their order, so one
 * growable ring serves them all: a guest VCPU's work items (guest/guest.c)
 * and kernel work (guest/os_vcpu.c), a mutex's waiters (guest/os_sync.c),
 * the packets of a virtqueue, a vhost backlog and a link
 * (guest/net.h, workload/vnet.c), a CPU's stopper works (host/host_stop.c).
 *
 * State
 *   buf: cap slots of `size` bytes; the queue is the n slots from index
 *   head on, wrapping at cap. A zeroed hv_ring is an empty queue with no
 *   buffer; the first push fixes size (every later push must name the
 *   same). A push into a full ring doubles cap (the first buffer has 8
 *   slots) and copies the queue, in order, to the front of the new buffer.
 *   Nothing shrinks it; hv_ring_free releases it.
 *
 * Invariants (hv_ring_check): n <= cap; head < cap when cap > 0 (head = 0
 * when cap = 0); a buffer exactly when cap > 0, and then size > 0.
 *
 * Concurrency contract: none; a ring belongs to one single-threaded owner
 * (the DES thread).
 *
 * Memory: cap * size bytes, cap <= max(8, 2 x the most elements it held).
 */
#ifndef HV_BASE_RING_H
#define HV_BASE_RING_H

#include <stddef.h>
#include <stdint.h>

typedef struct hv_ring {
    unsigned char *buf; /* cap * size bytes, NULL until the first push */
    size_t size;        /* bytes per element, fixed by the first push */
    uint32_t head, n, cap;
} hv_ring;

/* A new slot at the back (enqueue) or the front (it becomes the head);
 * returns it, to be filled by the caller before the next push. `size` is
 * the element's size (every push of a ring names the same). */
void *hv_ring_push(hv_ring *r, size_t size);
void *hv_ring_push_front(hv_ring *r, size_t size);
/* The element i places behind the head (0 = the head); i < n. */
void *hv_ring_at(const hv_ring *r, uint32_t i);
/* Copy the head into out (size bytes) and remove it; the ring is not empty. */
void hv_ring_pop(hv_ring *r, void *out);
/* Empty the ring, keeping its buffer. */
void hv_ring_clear(hv_ring *r);
/* Release the buffer; the ring is empty and zeroed again. */
void hv_ring_free(hv_ring *r);
/* NULL when the invariants hold, else msg (len bytes) filled with the
 * ring's fields. */
const char *hv_ring_check(const hv_ring *r, char *msg, size_t len);

#endif
