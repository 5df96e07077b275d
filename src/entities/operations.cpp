// The Users operations, compiled once: one instantiation line each.
#include "entities/pipeline.hpp"

namespace igtcloud::entities::detail {

template void start(std::shared_ptr<client_impl>, get_me_params, handler_t<get_me_params>);
template void start(std::shared_ptr<client_impl>, get_user_params, handler_t<get_user_params>);
template void start(std::shared_ptr<client_impl>, get_users_params, handler_t<get_users_params>);
template void start(std::shared_ptr<client_impl>, for_each_user_params, handler_t<for_each_user_params>);
template void start(std::shared_ptr<client_impl>, get_user_storage_params,
                    handler_t<get_user_storage_params>);
template void start(std::shared_ptr<client_impl>, post_users_params, handler_t<post_users_params>);
template void start(std::shared_ptr<client_impl>, put_user_params, handler_t<put_user_params>);
template void start(std::shared_ptr<client_impl>, delete_user_params, handler_t<delete_user_params>);
template void start(std::shared_ptr<client_impl>, post_resend_activation_params,
                    handler_t<post_resend_activation_params>);
template void start(std::shared_ptr<client_impl>, post_reset_mfa_params, handler_t<post_reset_mfa_params>);
template void start(std::shared_ptr<client_impl>, post_user_profile_params,
                    handler_t<post_user_profile_params>);
template void start(std::shared_ptr<client_impl>, get_user_files_params, handler_t<get_user_files_params>);
template void start(std::shared_ptr<client_impl>, delete_user_files_params,
                    handler_t<delete_user_files_params>);
template void start(std::shared_ptr<client_impl>, download_user_files_params,
                    handler_t<download_user_files_params>);
template void start(std::shared_ptr<client_impl>, delete_training_settings_params,
                    handler_t<delete_training_settings_params>);

} // namespace igtcloud::entities::detail
