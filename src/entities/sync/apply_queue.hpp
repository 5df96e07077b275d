#pragma once

// The plan kept for applying (internal): the source's items, planned in a first pass that sends nothing, wait
// in a temporary record file until the removes are counted and allowed (sync_options::max_delete); then they
// are read back in order as provisioning items (provision.hpp), so that one engine sends them.
//
//   push(sync_plan_item, body) --> [action][line][loginId][userUUID][body JSON | error | nothing]
//   pop()                      --> provision_item: create (POST body), update (PUT body to userUUID),
//                                  none (unchanged: nothing sent), or the failed row's error

#include <igtcloud/entities/provision.hpp>
#include <igtcloud/entities/sync.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "entities/sync/spill_file.hpp"

namespace igtcloud::entities::detail {

class apply_queue {
public:
    /// A temporary file under `dir` (a directory temp_directory() gave). Throws std::system_error.
    explicit apply_queue(std::string const& dir) : records_(dir) {}

    /// Keeps one planned item; `body`: what to send for a create or an update. Throws std::system_error.
    void push(sync_plan_item const& item, user_create const* body);
    /// The next item in push order, or nullopt after the last. Throws std::system_error, or
    /// std::runtime_error for a record that does not decode.
    std::optional<provision_item> pop();

private:
    record_file records_;
    std::uint64_t next_{};
    std::string buffer_{};
};

} // namespace igtcloud::entities::detail
