// The plan kept for applying: see apply_queue.hpp.
#include "entities/sync/apply_queue.hpp"

#include <igtcloud/entities/models.hpp>

#include <boost/system/errc.hpp>

#include <cstring>
#include <stdexcept>

#include "entities/invalid_argument.hpp"

namespace igtcloud::entities::detail {
namespace {

void put_u64(std::string& out, std::uint64_t v)
{
    char bytes[sizeof v];
    std::memcpy(bytes, &v, sizeof v);
    out.append(bytes, sizeof v);
}

void put_text(std::string& out, std::string_view s)
{
    put_u64(out, s.size());
    out.append(s);
}

[[noreturn]] void corrupt()
{
    throw std::runtime_error("a sync plan record that does not decode");
}

struct cursor {
    std::string_view in;
    std::uint64_t u64()
    {
        std::uint64_t v{};
        if (in.size() < sizeof v) corrupt();
        std::memcpy(&v, in.data(), sizeof v);
        in.remove_prefix(sizeof v);
        return v;
    }
    std::string text()
    {
        auto const n = u64();
        if (in.size() < n) corrupt();
        std::string s(in.substr(0, n));
        in.remove_prefix(n);
        return s;
    }
};

} // namespace

void apply_queue::push(sync_plan_item const& item, user_create const* body)
{
    buffer_.clear();
    buffer_ += static_cast<char>(item.action);
    put_u64(buffer_, item.line);
    put_text(buffer_, item.login_id);
    put_text(buffer_, item.user_uuid);
    if (item.action == sync_action::failed) {
        bool const io = item.error && item.error->code == boost::system::errc::io_error;
        buffer_ += static_cast<char>(io ? 1 : 0);
        put_text(buffer_, item.error ? item.error->message : std::string("failed"));
    } else if (item.action == sync_action::create || item.action == sync_action::update) {
        if (body == nullptr) throw std::invalid_argument("apply_queue: a create or update without its body");
        put_text(buffer_, encode(*body));
    }
    records_.append(buffer_);
}

std::optional<provision_item> apply_queue::pop()
{
    if (next_ >= records_.size()) return std::nullopt;
    auto const payload = records_.read(next_, buffer_);
    next_ += 4 + payload.size();
    cursor c{payload};
    if (c.in.empty()) corrupt();
    auto const action = static_cast<sync_action>(c.in.front());
    c.in.remove_prefix(1);
    provision_item out{.line = static_cast<std::size_t>(c.u64())};
    auto login = c.text();
    out.user_uuid = c.text();
    switch (action) {
    case sync_action::failed: {
        if (c.in.empty()) corrupt();
        bool const io = c.in.front() == 1;
        c.in.remove_prefix(1);
        auto message = c.text();
        out.user = io ? api_result<user_create>(
                            api_error{make_error_code(boost::system::errc::io_error), 0, std::move(message)})
                      : api_result<user_create>(invalid(std::move(message)));
        return out;
    }
    case sync_action::create:
    case sync_action::update:
        out.user = decode<user_create>(c.text());
        if (!out.user) corrupt();
        out.action = action == sync_action::create ? provision_action::create : provision_action::update;
        return out;
    case sync_action::unchanged:
        out.user = user_create{.login_id = std::move(login)};
        out.action = provision_action::none;
        return out;
    case sync_action::remove: break;
    }
    corrupt();
}

} // namespace igtcloud::entities::detail
