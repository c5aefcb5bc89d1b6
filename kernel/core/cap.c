/* kernel/core/cap.c — what makes two capabilities refer to one object. */
#include <kernel/cap.h>

bool cap_is_factory(const struct cap *c)
{
    return c->type == KUMIKI_OBJ_UNTYPED || c->type == KUMIKI_OBJ_IRQ_CONTROL ||
           c->type == KUMIKI_OBJ_IOPORT_CONTROL;
}

bool cap_same_object(const struct cap *a, const struct cap *b)
{
    if (a->type != b->type || a->type == KUMIKI_OBJ_NULL)
        return false;
    switch (a->type) {
    case KUMIKI_OBJ_IRQ_CONTROL:
    case KUMIKI_OBJ_IOPORT_CONTROL: return true;
    case KUMIKI_OBJ_IRQ_HANDLER:
    case KUMIKI_OBJ_IOPORT: return a->data == b->data;
    case KUMIKI_OBJ_UNTYPED:
    case KUMIKI_OBJ_CNODE:
    case KUMIKI_OBJ_FRAME:
    case KUMIKI_OBJ_LARGE_FRAME: return a->object == b->object && a->size_bits == b->size_bits;
    default: return a->object == b->object;
    }
}
