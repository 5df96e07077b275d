// A download's sink as the answer parser sees it: limits, the start over of a retry, the file's commit.
#include "entities/download/download_writer.hpp"

#include <exception>

#include "entities/invalid_argument.hpp"

namespace igtcloud::entities::detail {
namespace {

// Calls one of the caller's functions. An exception must not escape into the parser (it would leave
// io_context::run): it ends the download with errc::io_error, its what() in `thrown`.
template <class F>
boost::system::error_code guarded(F&& f, std::string& thrown) noexcept
{
    try {
        return std::forward<F>(f)();
    } catch (std::exception const& e) {
        thrown = e.what();
    } catch (...) {
        thrown = "an exception";
    }
    return make_error_code(boost::system::errc::io_error);
}

// A file sink's path: not empty, not a directory, in a directory that exists.
api_result<void> check_path(std::filesystem::path const& path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return invalid("download_sink::file: " + path.string() + " is a directory");
    auto const parent = path.parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        return invalid("download_sink::file: the directory " + parent.string() + " does not exist");
    return {};
}

} // namespace

api_result<std::unique_ptr<download_writer>>
download_writer::make(download_sink sink, success_statuses success, std::optional<std::uint64_t> max_bytes)
{
    if (sink.path().empty() && !sink.write())
        return invalid("the download sink is empty: make it with download_sink::file(path) or "
                       "download_sink::callable(write)");
    if (!sink.path().empty())
        if (auto ok = check_path(sink.path()); !ok) return ok.error();
    return std::unique_ptr<download_writer>(new download_writer(std::move(sink), success, max_bytes));
}

download_writer::download_writer(download_sink sink, success_statuses success,
                                 std::optional<std::uint64_t> max_bytes)
    : sink_(std::move(sink))
    , success_(success)
    , max_bytes_(max_bytes)
{
    if (!sink_.path().empty()) file_.emplace(sink_.path());
}

boost::system::error_code download_writer::fail(boost::system::error_code code, std::string message)
{
    failure_ = api_error{code, 0, std::move(message)};
    return code;
}

boost::system::error_code download_writer::too_large(std::uint64_t bytes, char const* what)
{
    return fail(make_error_code(error::response_too_large),
                "the download (" + std::to_string(bytes) + " bytes " + what +
                    ") exceeds max_download_bytes (" + std::to_string(*max_bytes_) + " bytes)");
}

// A new answer's body: the file created or truncated; a callable told to start over when it took bytes.
boost::system::error_code download_writer::start_over()
{
    if (file_) {
        if (auto ec = file_->start())
            return fail(ec,
                        "cannot write the download to " + file_->part_path().string() + ": " + ec.message());
        return {};
    }
    if (!started_ || received_ == 0 || !sink_.restart()) return {};
    std::string thrown;
    if (auto ec = guarded([&] { return sink_.restart()(); }, thrown))
        return fail(ec, "the download sink's restart failed: " + (thrown.empty() ? ec.message() : thrown));
    return {};
}

boost::system::error_code download_writer::begin(std::optional<std::uint64_t> content_length)
{
    failure_.reset();
    if (content_length && max_bytes_ && *content_length > *max_bytes_)
        return too_large(*content_length, "announced");
    if (auto ec = start_over()) return ec;
    started_ = true;
    received_ = 0;
    total_ = content_length;
    return report_progress();
}

boost::system::error_code download_writer::write(std::string_view bytes)
{
    if (max_bytes_ && bytes.size() > *max_bytes_ - received_)
        return too_large(received_ + bytes.size(), "so far");
    if (file_) {
        if (auto ec = file_->append(bytes))
            return fail(ec,
                        "cannot write the download to " + file_->part_path().string() + ": " + ec.message());
    } else {
        auto const chunk = byte_chunk(reinterpret_cast<std::byte const*>(bytes.data()), bytes.size());
        std::string thrown;
        if (auto ec = guarded([&] { return sink_.write()(chunk); }, thrown))
            return fail(ec, "the download sink failed: " + (thrown.empty() ? ec.message() : thrown));
    }
    received_ += bytes.size();
    return report_progress();
}

boost::system::error_code download_writer::complete()
{
    if (!file_) return {};
    if (auto ec = file_->commit())
        return fail(ec, "cannot finish the download at " + sink_.path().string() + ": " + ec.message());
    return {};
}

boost::system::error_code download_writer::report_progress()
{
    if (!sink_.progress()) return {};
    std::string thrown;
    auto ec = guarded(
        [&] {
            sink_.progress()(received_, total_);
            return boost::system::error_code{};
        },
        thrown);
    return ec ? fail(ec, "the download's progress hook threw: " + thrown) : ec;
}

bool download_writer::may_repeat() const noexcept
{
    return !failure_ && (received_ == 0 || file_ || sink_.restart());
}

api_result<std::unique_ptr<streamed_body>> download_body(download_user_files_params& params,
                                                         sink_context const& context)
{
    auto writer =
        download_writer::make(std::move(params.sink), context.success, context.options->max_download_bytes);
    if (!writer) return writer.error();
    return std::unique_ptr<streamed_body>(std::move(*writer));
}

} // namespace igtcloud::entities::detail
