"""Runs one held-out digit through an Infera gateway with an unmodified `tritonclient[http]`,
once with binary tensors (tritonclient's default) and once with JSON `data`, as a Triton user
would. Prints one JSON document: the model's V2 metadata and both answers with their parameters.
With a token (a gateway started with `--token-file`), every inference sends it as
`Authorization: Bearer <token>`, tritonclient's way of passing headers.

usage: triton_infer.py <host:port> <model name> <input .npy (1x8x8 float32)> [token]
"""
import json
import sys

import numpy as np
import tritonclient.http as httpclient


def infer(client, model, x, binary, headers):
    tensor = httpclient.InferInput("input", list(x.shape), "FP32")
    tensor.set_data_from_numpy(x, binary_data=binary)
    wanted = [httpclient.InferRequestedOutput("output", binary_data=binary)]
    result = client.infer(model, [tensor], outputs=wanted, request_id=f"digit-{binary}",
                          # tritonclient adds its Inference-Header-Content-Length to the dict it
                          # is given: a fresh copy per call, or the next call inherits it.
                          headers=dict(headers) if headers else None)
    response = result.get_response()
    return {
        "output": result.as_numpy("output").tolist(),
        "parameters": response.get("parameters", {}),
        "model_version": response["model_version"],
        "id": response.get("id"),
    }


def main():
    url, model, path = sys.argv[1:4]
    headers = {"Authorization": f"Bearer {sys.argv[4]}"} if len(sys.argv) > 4 else None
    x = np.load(path).astype(np.float32)
    client = httpclient.InferenceServerClient(url=url, network_timeout=300.0)
    assert client.is_server_live() and client.is_server_ready()
    out = {
        "server": client.get_server_metadata(),
        "metadata": client.get_model_metadata(model),
        "ready": client.is_model_ready(model),
        # Batch dimension of one, as Triton clients usually send, then the bare spec shape.
        "binary": infer(client, model, x.reshape((1,) + x.shape), True, headers),
        "json": infer(client, model, x, False, headers),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
