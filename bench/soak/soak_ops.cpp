// The soak's operations: which one a lane runs next, and what each result must agree with.
#include "soak_runner.hpp"

namespace igtcloud::soak {
namespace {

using presence = owned_user::presence;

bool is_definitive_4xx(entities::api_error const& e)
{
    return e.status >= 400 && e.status < 500;
}

std::optional<std::string> email_of(entities::user_info const& u)
{
    if (u.profile && u.profile->contact) return u.profile->contact->email_address;
    return std::nullopt;
}

} // namespace

void runner::next(std::size_t l)
{
    if (stopping_.load()) return;
    auto& ln = lanes_[l];
    auto const u = std::uniform_int_distribution<std::size_t>(0, ln.users.size() - 1)(rng_);
    // Weights of the ten operations; get_users lists every user, so it stays rare.
    static constexpr std::array<int, op_count> weights{10, 15, 1, 8, 12, 12, 6, 8, 8, 8};
    std::discrete_distribution<int> pick(weights.begin(), weights.end());
    auto o = static_cast<op>(pick(rng_));
    auto const& user = ln.users[u];
    bool const needs_user = o == op::get_user || o == op::put_user || o == op::delete_user;
    if (user.state == presence::unknown || (needs_user && user.state != presence::present))
        o = op::post_users;
    begin(l, u, o);
}

void runner::begin(std::size_t l, std::size_t ui, op o)
{
    auto& ln = lanes_[l];
    if (ln.in_flight) mismatch("lane " + std::to_string(l) + " started two operations at once");
    ln.in_flight = true;
    started_.fetch_add(1);
    ++counters_[static_cast<std::size_t>(o)].started;
    auto* u = &ln.users[ui];
    entities::user_activation_create const act{.login_id = u->login_id};
    switch (o) {
    case op::get_me:
        return users_.async_get_me(handler<entities::user_info>(l, o, [this](auto const& r) {
            if (r && r->login_id != "admin@example.org") mismatch("get_me answered another user");
        }));
    case op::get_user:
        return users_.async_get_user(u->user_uuid,
                                     handler<entities::user_info>(l, o, [this, u](auto const& r) {
                                         if (!r) {
                                             if (r.error().status == 404)
                                                 mismatch("get_user: 404 for present " + u->login_id);
                                             return;
                                         }
                                         if (r->login_id != u->login_id)
                                             mismatch("get_user: another login for " + u->login_id);
                                         auto const email = email_of(*r);
                                         if (u->email && email != u->email)
                                             mismatch("get_user: stale email for " + u->login_id);
                                         u->email = email;
                                     }));
    case op::get_users:
        return users_.async_get_users(entities::request_options{.fields = "loginId,userUUID"},
                                      handler<std::vector<entities::user_info>>(l, o, [](auto const&) {}));
    case op::get_user_storage:
        return users_.async_get_user_storage("us-east-1",
                                             handler<entities::storage>(l, o, [this](auto const& r) {
                                                 if (r && !r->credentials)
                                                     mismatch("storage without credentials");
                                             }));
    case op::post_users:
    case op::put_user:
    case op::delete_user: return begin_write(l, u, o);
    case op::post_resend_activation:
    case op::post_reset_mfa: {
        auto check = [this, u, o](bool ok, unsigned status) {
            auto const name = std::string(op_names[static_cast<std::size_t>(o)]);
            if (ok && u->state == presence::absent) mismatch(name + ": success for absent " + u->login_id);
            if (status == 400 && u->state == presence::present) mismatch(name + ": 400 for " + u->login_id);
        };
        if (o == op::post_reset_mfa)
            return users_.async_post_reset_mfa(act, handler<void>(l, o, [check](auto const& r) {
                                                   check(r.has_value(), r ? 0u : r.error().status);
                                               }));
        return users_.async_post_resend_activation(
            act, handler<entities::user_activation>(
                     l, o, [check](auto const& r) { check(r.has_value(), r ? 0u : r.error().status); }));
    }
    case op::post_user_profile:
        return users_.async_post_user_profile(handler<void>(l, o, [](auto const&) {}));
    }
}

void runner::begin_write(std::size_t l, owned_user* u, op o)
{
    switch (o) {
    case op::post_users: {
        auto const email = u->login_id + ".v" + std::to_string(u->version) + "@example.org";
        entities::user_create const create{.email = email, .login_id = u->login_id};
        return users_.async_post_users(
            create, handler<entities::created<entities::user_info>>(l, o, [this, u, email](auto const& r) {
                if (!r) {
                    if (!is_definitive_4xx(r.error()) && u->state == presence::absent)
                        u->state = presence::unknown;
                    return;
                }
                auto const& v = r->value;
                if (u->state == presence::present && (r->is_new || v.user_uuid != u->user_uuid))
                    mismatch("post_users: a second user for " + u->login_id);
                if (u->state == presence::absent && !r->is_new) ++t_.post_existing_when_absent;
                if (u->state != presence::present || !u->email) u->email = r->is_new ? email : email_of(v);
                u->state = presence::present;
                u->user_uuid = v.user_uuid.value_or("");
            }));
    }
    case op::put_user: {
        auto const email = u->login_id + ".v" + std::to_string(++u->version) + "@example.org";
        entities::user_create const update{.email = email, .login_id = u->login_id};
        return users_.async_put_user(u->user_uuid, update,
                                     handler<void>(l, o, [this, u, email](auto const& r) {
                                         if (r)
                                             u->email = email;
                                         else if (r.error().status == 404)
                                             mismatch("put_user: 404 for present " + u->login_id);
                                         else if (!is_definitive_4xx(r.error()))
                                             u->email.reset(); // old or new: unknown
                                     }));
    }
    case op::delete_user:
        return users_.async_delete_user(u->user_uuid, handler<void>(l, o, [this, u](auto const& r) {
                                            if (!r && r.error().status == 404) ++t_.delete_404;
                                            if (r || r.error().status == 404) {
                                                u->state = presence::absent;
                                                u->email.reset();
                                            } else if (!is_definitive_4xx(r.error())) {
                                                u->state = presence::unknown;
                                            }
                                        }));
    default: break;
    }
}

bool runner::end(std::size_t l, op o, clock_type::time_point t0, entities::api_error const* e)
{
    auto& ln = lanes_[l];
    if (!ln.in_flight) {
        ++t_.double_completions;
        return false;
    }
    ln.in_flight = false;
    ended_.fetch_add(1);
    auto& c = counters_[static_cast<std::size_t>(o)];
    ++c.ended;
    c.latency.add(std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - t0));
    if (e)
        ++c.errors[std::string(e->code.category().name()) + ':' + std::to_string(e->code.value()) + ' ' +
                   e->code.message()];
    if (!e)
        ++c.ok;
    else if (e->status >= 500)
        ++c.http_5xx;
    else if (e->status >= 400)
        ++c.http_4xx;
    else if (e->code == entities::condition::transport_error)
        ++c.transport;
    else if (e->code == entities::condition::protocol_error)
        ++c.protocol;
    else
        ++c.other;
    return true;
}

void runner::verify_store()
{
    std::size_t expected_users = 1; // the seeded admin
    for (auto const& ln : lanes_) {
        for (auto const& u : ln.users) {
            auto const stored = srv_.find_user_by_login(u.login_id);
            bool bad = false;
            if (u.state == presence::unknown) {
                ++t_.unknown_final;
                expected_users += stored ? 1 : 0;
                continue;
            }
            if (u.state == presence::absent) {
                bad = stored.has_value();
            } else {
                ++expected_users;
                bad =
                    !stored || stored->user_uuid != u.user_uuid || (u.email && email_of(*stored) != u.email);
            }
            if (bad && ++t_.final_mismatches <= 10) std::cerr << "store differs for " << u.login_id << '\n';
        }
    }
    if (srv_.user_count() != expected_users) {
        ++t_.final_mismatches;
        std::cerr << "store holds " << srv_.user_count() << " users, expected " << expected_users << '\n';
    }
}

} // namespace igtcloud::soak
