"""What the course adds to AutoGen for speed changes no request and no connection.

Each check runs in a fresh process: ``instrument_autogen`` wraps AutoGen, httpx and openai for the
whole process, and these checks compare against the unwrapped originals.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD_ENV_KEYS = ("PATH", "HOME", "SYSTEMROOT", "LANG")


def _run_child(code: str, tmp_path, **env: str) -> str:
    import os

    child_env = {k: v for k, v in os.environ.items() if k in CHILD_ENV_KEYS}
    child_env.update(env)
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=child_env,
    )
    assert done.returncode == 0, f"child failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_agents_share_one_ssl_context_made_only_when_a_connection_uses_tls(tmp_path):
    """Offline a lesson talks plain HTTP: no CA certificate is read. An HTTPS connection still gets
    httpx's own context, verifying: a self-signed loopback server is refused."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    over_tls = f"""
        import ssl
        import autogen
        from hitl_modes.chat.server import ScriptedModelServer
        from hitl_modes.course.instrument import instrument_autogen

        def over_tls(server):
            \"\"\"The scripted model server behind TLS, with the test's self-signed certificate: its config.\"\"\"
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain({str(cert)!r}, {str(key)!r})
            server._httpd.socket = context.wrap_socket(server._httpd.socket, server_side=True)
            config = server.config("m")
            return {{**config, "base_url": config["base_url"].replace("http://", "https://")}}
        """
    out = _run_child(
        over_tls
        + """
        import httpx._config

        made = []
        original = httpx._config.SSLConfig.load_ssl_context
        def counting(self):
            made.append(self)
            return original(self)
        httpx._config.SSLConfig.load_ssl_context = counting
        instrument_autogen()

        with ScriptedModelServer({"m": ["one", "two", "three"]}) as server:
            agents = [autogen.AssistantAgent(f"a{i}", llm_config=server.llm_config("m")) for i in range(3)]
            for agent in agents:
                agent.client.create(messages=[{"role": "user", "content": "hi"}])
        print("plain http contexts", len(made))

        server = ScriptedModelServer({"m": []})
        config = over_tls(server)
        with server:
            for name in ("b1", "b2"):
                agent = autogen.AssistantAgent(name, llm_config={"config_list": [config], "cache_seed": None})
                try:
                    agent.client.create(messages=[{"role": "user", "content": "hi"}])
                except Exception as e:
                    chain = []
                    while e is not None:
                        chain.append(type(e).__name__)
                        e = e.__cause__ or e.__context__
                    print("refused", "SSLCertVerificationError" in chain)
        print("tls contexts", len(made))
        """,
        tmp_path,
    )
    assert out.splitlines() == ["plain http contexts 0", "refused True", "refused True", "tls contexts 1"], out

    # Trusted (httpx reads SSL_CERT_FILE when it makes the context), the same server is reached over TLS:
    # the context made on first use does the whole handshake.
    trusted = _run_child(
        over_tls
        + """
        instrument_autogen()
        server = ScriptedModelServer({"m": ["over TLS"]})
        config = over_tls(server)
        with server:
            agent = autogen.AssistantAgent("b", llm_config={"config_list": [config], "cache_seed": None})
            response = agent.client.create(messages=[{"role": "user", "content": "hi"}])
        print(response.choices[0].message.content)
        """,
        tmp_path,
        SSL_CERT_FILE=str(cert),
    )
    assert trusted.splitlines() == ["over TLS"], trusted


def test_remembered_type_hints_prepare_the_same_request_body(tmp_path):
    """openai's request preparation gives the same body with the type hints remembered (a second
    request reads them from memory)."""
    out = _run_child(
        """
        import autogen
        from openai._utils._transform import maybe_transform
        from openai.types.chat import completion_create_params as p
        from hitl_modes.course.instrument import instrument_autogen

        params = {
            "model": "gpt-4o-mini",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "What time is it?", "name": "user_proxy"},
                {"role": "assistant", "content": None, "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "12:00"},
            ],
            "tools": [{"type": "function", "function": {
                "name": "get_time", "description": "The time.", "parameters": {"type": "object", "properties": {}}}}],
            "temperature": 0,
            "stream": False,
        }
        before = maybe_transform(params, p.CompletionCreateParamsNonStreaming)
        instrument_autogen()
        from openai._utils import _transform
        first = _transform.maybe_transform(params, p.CompletionCreateParamsNonStreaming)
        misses = _transform.get_type_hints.cache_info().misses
        second = _transform.maybe_transform(params, p.CompletionCreateParamsNonStreaming)
        info = _transform.get_type_hints.cache_info()
        print("same", before == first == second, before == params)
        print("second read from memory", info.misses == misses and info.hits > 0)
        """,
        tmp_path,
    )
    assert out.splitlines() == ["same True True", "second read from memory True"], out
