"""An MLServer (Seldon) runtime that serves the exact grid GMM of gmm-server.py as `gmm8`, so the
`prior remote` client can be checked against a server of the protocol that this project did not
write (Scripts/test-serve-prior). Model settings: {"name": "gmm8", "implementation": "mlserver_gmm.GMMPrior"}.
"""
import importlib.util, os

import numpy as np
from mlserver import MLModel
from mlserver.codecs import NumpyCodec
from mlserver.types import InferenceResponse, Parameters

_spec = importlib.util.spec_from_file_location("gmm_server", os.path.join(os.path.dirname(os.path.abspath(__file__)), "gmm-server.py"))
_gmm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_gmm)


class GMMPrior(MLModel):
    async def load(self) -> bool:
        self.gmm = _gmm.GridGMM(8)
        return True

    async def metadata(self):
        m = await super().metadata()
        m.parameters = Parameters(noise_schedule="linear", diffusion_steps=1000, data_spread=8.0)
        return m

    async def predict(self, payload):
        inputs = {i.name: NumpyCodec.decode_input(i) for i in payload.inputs}
        x = inputs["x_t"].astype(np.float64).reshape(-1, 8)
        t = int(np.asarray(inputs["t"]).reshape(-1)[0])
        eps, _, _ = self.gmm.evaluate(x, t)
        return InferenceResponse(model_name=self.name, outputs=[NumpyCodec.encode_output("eps", eps.astype(np.float32))])
