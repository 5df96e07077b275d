#pragma once

// The one call of a session's event hook (pipeline and pool): a hook that throws must not break the caller.

#include <igtcloud/entities/options.hpp>

namespace igtcloud::entities::detail {

/// Calls `hook` with `e` when it is set; swallows what it throws, as options.hpp promises.
inline void emit_event(event_hook const& hook, event const& e) noexcept
{
    if (!hook) return;
    try {
        hook(e);
    } catch (...) { // the hook's failure is not the operation's nor the pool's
    }
}

} // namespace igtcloud::entities::detail
